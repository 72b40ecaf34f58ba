package io.jseek.server;

import io.jseek.generate.Scheduler;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Prometheus text exposition of request counts and the scheduler's gauges and token counters. */
final class Metrics {
    private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();

    void request(String route, int status) {
        requests.computeIfAbsent("route=\"" + route + "\",status=\"" + status + "\"", k -> new LongAdder()).increment();
    }

    String render(Scheduler s) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP jseek_requests_total HTTP requests by route and status.\n# TYPE jseek_requests_total counter\n");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet())
            b.append("jseek_requests_total{").append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
        metric(b, "jseek_prompt_tokens_total", "counter", "Prompt tokens admitted.", s.promptTokens());
        metric(b, "jseek_prompt_cache_hit_tokens_total", "counter", "Prompt tokens served from the prefix cache.", s.cachedPromptTokens());
        metric(b, "jseek_prefill_tokens_total", "counter", "Prompt tokens prefilled (its rate is the prefill speed).", s.prefilledTokens());
        metric(b, "jseek_prefill_remaining_tokens", "gauge", "Prompt tokens the active requests still have to prefill.", s.prefillRemaining());
        metric(b, "jseek_generated_tokens_total", "counter", "Tokens generated.", s.generatedTokens());
        metric(b, "jseek_prefill_seconds_total", "counter", "Seconds spent in prompt processing.", s.prefillSeconds());
        metric(b, "jseek_decode_seconds_total", "counter", "Seconds spent in batched decode steps.", s.decodeSeconds());
        metric(b, "jseek_prefill_tokens_per_second", "gauge", "Average prompt-processing speed since start.",
                s.prefillSeconds() > 0 ? s.prefilledTokens() / s.prefillSeconds() : 0);
        metric(b, "jseek_decode_tokens_per_second", "gauge", "Average generated tokens per second of decoding since start (all sequences).",
                s.decodeSeconds() > 0 ? s.generatedTokens() / s.decodeSeconds() : 0);
        metric(b, "jseek_queue_length", "gauge", "Requests waiting for a decode slot.", s.queued());
        metric(b, "jseek_active_sequences", "gauge", "Sequences being decoded.", s.active());
        metric(b, "jseek_state_bytes", "gauge", "Decode-state memory (active and prefix cache).", s.stateBytes());
        return b.toString();
    }

    private static void metric(StringBuilder b, String name, String type, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(v).append('\n');
    }

    private static void metric(StringBuilder b, String name, String type, String help, double v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(v).append('\n');
    }
}
