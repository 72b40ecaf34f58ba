package io.jseek.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void parsesAllValueKinds() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\u00e9\\n\\\"\", \"big\": 12345678901234567890} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2500.0, true, false), ((List<?>) m.get("a")).subList(0, 4));
        assertEquals("xé\n\"", m.get("s"));
        assertEquals(1.2345678901234567e19, (Double) m.get("big"), 1e4);
    }

    @Test
    void roundTrips() {
        String s = "{\"k\":[1,2.5,\"a\\tb\",null,{\"z\":false}]}";
        assertEquals(s, Json.write(Json.parse(s)));
    }

    @Test
    void rejectsMalformedInputWithPosition() {
        for (String bad : new String[]{"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"abc", "[1] x", "{\"a\":tru}", "\"\\x\""}) {
            JsonException e = assertThrows(JsonException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        }
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertTrue(assertThrows(JsonException.class, () -> Json.parse(deep)).getMessage().contains("too deep"));
    }
}
