package io.jseek.cli;

import io.jseek.generate.ChatEngine;
import io.jseek.generate.ChatListener;
import io.jseek.generate.ChatResult;
import io.jseek.generate.Generation;
import io.jseek.generate.SamplingParams;
import io.jseek.generate.Scheduler;
import io.jseek.text.ChatMessage;
import io.jseek.text.ChatRequest;
import io.jseek.text.ReasoningEffort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An interactive terminal chat: history, thinking on/off, effort, reasoning shown dimmed apart from
 * the answer, tokens/s after each reply, Ctrl-C stops a reply without leaving the chat.
 */
@Command(name = "chat", description = "Chat with a model in the terminal (/think on|off, /effort high|max, /reset, /exit).")
final class ChatCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--ctx-size", defaultValue = "0", paramLabel = "N", description = "Context size, prompt + reply (default: the model's max_position_embeddings).")
    int ctxSize;

    @Option(names = "--max-tokens", defaultValue = "1024", paramLabel = "N", description = "Reply length limit (default 1024).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.7", paramLabel = "T")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (default: random).")
    Long seed;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt.")
    String system;

    @Option(names = "--no-think", description = "Start with thinking off.")
    boolean noThink;

    @Override
    public Integer call() throws Exception {
        boolean tty = System.console() != null;
        String dim = tty ? "\u001b[2m" : "", reset = tty ? "\u001b[0m" : "";
        var out = Stdio.out;
        int ctx = ContextSize.resolve(ctxSize, io.jseek.config.ModelConfig.load(model.dir()));
        try (ChatEngine engine = ChatEngine.load(model.dir(), model.threads, model.layout(), new Scheduler.Config(1, 0, ctx, Long.MAX_VALUE, 2, 256), null, 0)) {
            List<ChatMessage> history = new ArrayList<>();
            if (system != null) history.add(ChatMessage.system(system));
            boolean think = !noThink;
            ReasoningEffort effort = ReasoningEffort.HIGH;
            AtomicReference<Generation> running = new AtomicReference<>();
            installInterrupt(running);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            out.println(dim + "jseek chat: " + model.dir() + " — /think on|off, /effort high|max, /reset, /exit" + reset);
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) break;
                line = line.strip();
                if (line.isEmpty()) continue;
                if (line.startsWith("/")) {
                    switch (line) {
                        case "/think on" -> think = true;
                        case "/think off" -> think = false;
                        case "/effort high" -> effort = ReasoningEffort.HIGH;
                        case "/effort max" -> effort = ReasoningEffort.MAX;
                        case "/reset" -> {
                            history.clear();
                            if (system != null) history.add(ChatMessage.system(system));
                        }
                        default -> out.println("unknown command " + line + " (/think on|off, /effort high|max, /reset, /exit)");
                    }
                    out.println(dim + "[thinking " + (think ? "on, effort " + effort.name().toLowerCase() : "off") + "]" + reset);
                    continue;
                }
                history.add(ChatMessage.user(line));
                ChatRequest req = new ChatRequest(history, List.of(), think, effort, true);
                SamplingParams params = new SamplingParams(temperature, 1, 0, 0, 0, 0, seed, maxTokens, List.of());
                boolean[] inReasoning = {false};
                long t0 = System.nanoTime();
                Generation g = engine.chat(req, false, params, new ChatListener() {
                    @Override
                    public void onReasoning(String delta) {
                        if (!inReasoning[0]) {
                            out.print(dim + "[thinking] ");
                            inReasoning[0] = true;
                        }
                        out.print(delta);
                        out.flush();
                    }

                    @Override
                    public void onContent(String delta) {
                        if (inReasoning[0]) {
                            out.print(reset + "\n\n");
                            inReasoning[0] = false;
                        }
                        out.print(delta);
                        out.flush();
                    }
                });
                running.set(g);
                ChatResult r = g.await();
                running.set(null);
                double s = (System.nanoTime() - t0) / 1e9;
                out.println(reset);
                out.printf("%s[%d tokens, %.1f tokens/s, %s]%s%n", dim, r.usage().completionTokens(),
                        r.usage().completionTokens() / Math.max(s, 1e-9), r.finishReason().toString().toLowerCase(), reset);
                history.add(ChatMessage.assistant(r.reasoning(), r.content(), r.toolCalls()));
            }
        }
        return 0;
    }

    /** Ctrl-C cancels the reply being generated; with none running it leaves as usual. */
    private static void installInterrupt(AtomicReference<Generation> running) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                Generation g = running.get();
                if (g != null) g.cancel();
                else System.exit(130);
            });
        } catch (IllegalArgumentException e) {
            // no SIGINT on this platform: Ctrl-C simply ends the program
        }
    }
}
