package io.jseek.cli;

import io.jseek.config.ModelConfig;
import io.jseek.model.ModelInfo;
import io.jseek.model.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Prints the config, parameter counts, bytes by dtype and decode-state sizes of a checkpoint. */
@Command(name = "inspect", description = "Validate a checkpoint and print its shape, parameters and memory needs.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        model.threads = 1;
        try (Transformer m = model.load()) {
            ModelConfig c = m.config();
            ModelInfo info = ModelInfo.of(c, m.checkpoint(), m.kvLayout());
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("model", model.dir().toString());
                o.put("tensors", m.checkpoint().tensors().size());
                o.put("file_bytes", m.checkpoint().fileBytes());
                o.putAll(info.toMap());
                System.out.println(io.jseek.json.Json.write(o));
                return 0;
            }
            System.out.printf("model        %s%n", model.dir());
            System.out.printf("shape        vocab %d, hidden %d, %d layers + %d MTP, %d heads x %d (rope %d), q_lora %d, o_groups %d x %d%n",
                    c.vocabSize(), c.dim(), c.nLayers(), c.nMtp(), c.nHeads(), c.headDim(), c.ropeDim(), c.qLoraRank(), c.oGroups(), c.oLoraRank());
            System.out.printf("attention    window %d, compress ratios %s, indexer %d x %d top-%d%n",
                    c.window(), Arrays.toString(c.compressRatios()), c.indexHeads(), c.indexHeadDim(), c.indexTopK());
            System.out.printf("moe          %d routed experts (top-%d, inter %d) + %d shared, %d hash layers, %s scores, route scale %.3g%n",
                    c.nRoutedExperts(), c.nActivatedExperts(), c.moeInterDim(), c.nSharedExperts(), c.nHashLayers(), c.scoringFunc(), c.routeScale());
            System.out.printf("hc           %d streams, %d Sinkhorn iterations%n", c.hcMult(), c.hcSinkhornIters());
            System.out.printf("parameters   %s total, %s active per token, %s in MTP%n",
                    human(info.totalParams()), human(info.activeParams()), human(info.mtpParams()));
            System.out.printf("files        %d tensors, %s%n", m.checkpoint().tensors().size(), bytes(m.checkpoint().fileBytes()));
            info.bytesByDtype().forEach((k, v) -> System.out.printf("  %-10s %s%n", k, bytes(v)));
            System.out.printf("decode state %s per token + %s fixed (kv %s); %s at 128K tokens, %s at 1M tokens%n",
                    bytes(Math.round(info.stateBytesPerToken())), bytes(info.stateFixedBytes()), m.kvLayout().id,
                    bytes(info.stateBytesAt(128 * 1024)), bytes(info.stateBytesAt(1024 * 1024)));
        }
        return 0;
    }

    static String human(long n) {
        if (n >= 1_000_000_000L) return String.format("%.2f B", n / 1e9);
        if (n >= 1_000_000L) return String.format("%.2f M", n / 1e6);
        if (n >= 1_000L) return String.format("%.1f K", n / 1e3);
        return Long.toString(n);
    }

    static String bytes(long n) {
        if (n >= 1L << 30) return String.format("%.2f GiB", n / (double) (1L << 30));
        if (n >= 1L << 20) return String.format("%.2f MiB", n / (double) (1L << 20));
        if (n >= 1L << 10) return String.format("%.1f KiB", n / 1024.0);
        return n + " B";
    }
}
