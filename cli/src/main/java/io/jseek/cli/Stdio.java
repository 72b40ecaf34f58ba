package io.jseek.cli;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** UTF-8 standard output and line input, independent of the platform locale. */
final class Stdio {
    /** Command output; tests swap it to capture what a command prints. */
    static PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);

    private Stdio() {
    }

    /** Lines of a file, or of standard input for "-". */
    static BufferedReader lines(Path in) throws IOException {
        if (in.toString().equals("-")) return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("file not found: " + in);
        return Files.newBufferedReader(in, StandardCharsets.UTF_8);
    }

    static String read(Path in) throws IOException {
        if (in.toString().equals("-")) return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("file not found: " + in);
        return Files.readString(in, StandardCharsets.UTF_8);
    }
}
