package io.jseek.generate;

import io.jseek.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingParamsTest {

    private static void assertRejected(String body, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplingParams.fromRequest(Json.parseObject(body)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void defaultsFromEmptyBody() {
        SamplingParams p = SamplingParams.fromRequest(Json.parseObject("{\"model\":\"m\"}"));
        assertEquals(SamplingParams.DEFAULTS, p);
        assertNull(p.seed());
        assertNull(p.maxTokens());
    }

    @Test
    void readsAllFields() {
        SamplingParams p = SamplingParams.fromRequest(Json.parseObject("""
                {"temperature":0,"top_p":0.9,"top_k":-1,"min_p":0.05,"presence_penalty":-1.5,
                 "frequency_penalty":2,"seed":7,"max_tokens":100,"stop":"END"}"""));
        assertEquals(new SamplingParams(0, 0.9, 0, 0.05, -1.5, 2, 7L, 100, List.of("END")), p);
        assertTrue(p.greedy());
        assertEquals(List.of("a", "b"), SamplingParams.fromRequest(Json.parseObject("{\"stop\":[\"a\",\"b\"]}")).stop());
        assertEquals(5, SamplingParams.fromRequest(Json.parseObject("{\"max_completion_tokens\":5}")).maxTokens());
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheFieldName() {
        assertRejected("{\"temperature\":2.5}", "temperature must be in [0.0, 2.0], got 2.5");
        assertRejected("{\"temperature\":-0.1}", "temperature must be in");
        assertRejected("{\"top_p\":0}", "top_p must be in (0, 1], got 0.0");
        assertRejected("{\"top_p\":1.01}", "top_p must be in (0, 1]");
        assertRejected("{\"top_k\":-2}", "top_k must be >= 0");
        assertRejected("{\"top_k\":1.5}", "top_k must be an integer");
        assertRejected("{\"min_p\":1.5}", "min_p must be in [0.0, 1.0]");
        assertRejected("{\"presence_penalty\":3}", "presence_penalty must be in [-2.0, 2.0], got 3.0");
        assertRejected("{\"frequency_penalty\":-2.1}", "frequency_penalty must be in");
        assertRejected("{\"max_tokens\":0}", "max_tokens must be in [1, 393216], got 0");
        assertRejected("{\"max_tokens\":400000}", "max_tokens must be in [1, 393216]");
        assertRejected("{\"max_tokens\":1e20}", "max_tokens must be an integer");
        assertRejected("{\"temperature\":\"hot\"}", "temperature must be a number");
        assertRejected("{\"stop\":[\"\"]}", "stop strings must not be empty");
        assertRejected("{\"stop\":[1]}", "stop must be a string or an array of strings");
        assertRejected("{\"stop\":" + Json.write(Collections.nCopies(17, "x")) + "}", "stop accepts at most 16 strings, got 17");
        assertThrows(IllegalArgumentException.class, () -> new SamplingParams(Double.NaN, 1, 0, 0, 0, 0, null, null, null));
    }
}
