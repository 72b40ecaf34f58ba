package io.jseek.bench;

import io.jseek.text.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Tokenizer encode throughput on English text, one thread: ~1 MB of English prose (a fixed paragraph
 * list repeated with varying numbers, so the word cache sees realistic reuse). MB/s = ops/s × 1.05.
 * Run: {@code java -jar bench/target/benchmarks.jar TokenizerBench -p tokenizer=engine/src/test/resources/tokenizers/deepseek-v3/tokenizer.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TokenizerBench {
    @Param("engine/src/test/resources/tokenizers/deepseek-v3/tokenizer.json")
    public String tokenizer;

    Tokenizer tok;
    String text;
    public long bytes;

    private static final String[] PARAGRAPHS = {
        "The quick brown fox jumps over the lazy dog while the committee debates the budget for next year. ",
        "In 1969, astronauts landed on the Moon; millions watched the grainy broadcast on television sets around the world. ",
        "Memory bandwidth, not arithmetic, limits how fast a large language model can generate text on a typical CPU server. ",
        "She said, \"Don't worry about it,\" and walked away, leaving the rest of us to clean up the mess we'd made. ",
        "Researchers found that participants who slept at least seven hours performed better on tests of attention and recall. ",
        "The river flooded the lower town twice in the last decade, and the council finally approved a new levee last spring. ",
    };

    @Setup(Level.Trial)
    public void setup() throws Exception {
        tok = Tokenizer.load(Path.of(tokenizer));
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 1 << 20; i++) b.append(PARAGRAPHS[i % PARAGRAPHS.length]).append(i % 97).append(". ");
        text = b.toString();
        bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (!Files.exists(Path.of(tokenizer))) throw new IllegalStateException("tokenizer not found");
    }

    /** One call encodes ~1 MB: MB/s = ops/s × bytes / 1e6. */
    @Benchmark
    public int[] encodeOneMegabyte() {
        return tok.encode(text);
    }
}
