package io.jseek.generate;

import io.jseek.model.ModelGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java API example compiles against the engine and runs on a generated model. */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void readmeExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int marker = readme.indexOf("<!-- example: Hello.java");
        assertTrue(marker >= 0, "README has the example marker");
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        String code = readme.substring(start, readme.indexOf("```", start));
        assertTrue(code.lines().count() <= 25, "the example stays short");
        Path src = tmp.resolve("Hello.java");
        Files.writeString(src, code);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = javac.run(null, diag, diag, "-d", tmp.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "README example does not compile:\n" + diag);

        Path model = tmp.resolve("model");
        ModelGenerator.write(ModelGenerator.preset("tiny"), 5, model, null);
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (URLClassLoader cl = new URLClassLoader(new URL[]{tmp.toUri().toURL()}, getClass().getClassLoader())) {
            cl.loadClass("Hello").getMethod("main", String[].class).invoke(null, (Object) new String[]{model.toString()});
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("---") && text.contains("Usage[promptTokens="), text);
        var m = java.util.regex.Pattern.compile("completionTokens=(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        int n = Integer.parseInt(m.group(1));
        assertTrue(n >= 1 && n <= 64, "between 1 and max_tokens=64 tokens: " + n);
    }
}
