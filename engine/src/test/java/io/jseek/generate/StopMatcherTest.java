package io.jseek.generate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopMatcherTest {

    /** Streams the chunks; returns the emitted text, with "|STOP" appended when a stop string fired. */
    private static String stream(List<String> stops, List<String> chunks) {
        StopMatcher m = new StopMatcher(stops);
        StringBuilder out = new StringBuilder();
        for (String c : chunks) {
            StopMatcher.Step step = m.push(c);
            out.append(step.emit());
            if (step.stopped()) return out.append("|STOP").toString();
        }
        return out.append(m.flush()).toString();
    }

    private static void assertEverySplit(List<String> stops, String text, String expected) {
        assertEquals(expected, stream(stops, List.of(text)));
        for (int cut = 0; cut <= text.length(); cut++) {
            assertEquals(expected, stream(stops, List.of(text.substring(0, cut), text.substring(cut))), "cut " + cut);
        }
        assertEquals(expected, stream(stops, text.chars().mapToObj(c -> String.valueOf((char) c)).toList()));
    }

    @Test
    void stopsBeforeTheStopStringAtEverySplit() {
        assertEverySplit(List.of("END"), "hello ENDING", "hello |STOP");
        assertEverySplit(List.of("\n\nUser:", "###"), "a\n\nb\n\nUser: x", "a\n\nb|STOP");
        assertEverySplit(List.of("bc", "abc"), "xxabc", "xx|STOP"); // the earliest match wins, not the first listed
    }

    @Test
    void partialMatchesAreReleasedWhenTheyDiverge() {
        assertEverySplit(List.of("END"), "EN EN END", "EN EN |STOP");
        assertEverySplit(List.of("END"), "the ENd", "the ENd");
        assertEverySplit(List.of("aab"), "aaaab", "aa|STOP");
    }

    @Test
    void holdsBackOnlyPossiblePrefixes() {
        StopMatcher m = new StopMatcher(List.of("STOP"));
        assertEquals("go ", m.push("go ST").emit());
        assertEquals("", m.push("O").emit());
        StopMatcher.Step step = m.push("x");
        assertEquals("STOx", step.emit());
        assertFalse(step.stopped());
        assertEquals("", m.flush());
    }

    @Test
    void afterStopNothingMoreIsEmitted() {
        StopMatcher m = new StopMatcher(List.of("!"));
        assertEquals("hi", m.push("hi!there").emit());
        assertTrue(m.stopped());
        assertEquals(new StopMatcher.Step("", true), m.push("more"));
        assertEquals("", m.flush());
    }

    @Test
    void noStopsPassesEverythingThrough() {
        assertEverySplit(List.of(), "anything 😀 at all", "anything 😀 at all");
    }
}
