package io.jseek.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Token ids back to text. */
@Command(name = "detokenize", description = "Decode token ids into text.")
final class DetokenizeCommand implements Callable<Integer> {
    @Mixin
    TokenizerOptions tok;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "Comma-separated token ids.")
    String ids;

    @Option(names = "--skip-special", description = "Leave out special tokens (BOS/EOS).")
    boolean skipSpecial;

    @Override
    public Integer call() {
        var t = tok.load();
        int[] a = Tokens.parse(ids);
        for (int id : a) {
            if (id < 0 || id >= t.vocabSize()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (t.vocabSize() - 1) + ")");
        }
        Stdio.out.print(t.decode(a, skipSpecial));
        Stdio.out.flush();
        return 0;
    }
}
