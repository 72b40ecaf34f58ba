package io.jseek.cli;

/** Parses {@code --tokens 1,2,3}. */
final class Tokens {
    private Tokens() {
    }

    static int[] parse(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("--tokens needs a comma-separated list of token ids");
        String[] parts = s.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--tokens: '" + parts[i].trim() + "' is not a token id");
            }
        }
        return ids;
    }
}
