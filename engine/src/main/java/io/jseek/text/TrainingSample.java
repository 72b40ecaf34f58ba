package io.jseek.text;

/**
 * A few KB of English, chat and code text, written for jseek, that {@link TinyTokenizer} learns its
 * merges from. Changing it changes every generated tiny tokenizer (and the test models built on them).
 */
final class TrainingSample {
    private TrainingSample() {}

    static final String TEXT = """
            The assistant reads the question, thinks about it, and then writes an answer.
            A good answer is short when the question is simple and careful when the question is hard.
            When the user asks for the weather, the assistant calls a tool and waits for the result.
            The weather in Paris is mild today: 18 degrees, light wind from the west, and some clouds.
            Tomorrow it will rain in the morning and clear up in the afternoon.
            You are a helpful assistant. Please answer the following question in one sentence.
            What is the capital of France? The capital of France is Paris.
            How many legs does a spider have? A spider has eight legs.
            Explain what a tokenizer does. A tokenizer turns text into a list of numbers that a model can read,
            and turns the numbers the model writes back into text.
            Small models are useful for testing: they load quickly, they run on any machine, and their output
            can be compared with a reference implementation number by number.
            The quick brown fox jumps over the lazy dog. The five boxing wizards jump quickly.
            In 2026 the team released a new version with a longer context and a faster kernel.
            Numbers such as 3.14159, 2.71828, 1,000,000 and 42 appear in text all the time.
            Dates look like 2026-04-24 and times look like 09:30 or 17:45.
            Thank you! You're welcome. I'm not sure; let me check. It's done, isn't it?
            Here is a list:
            - first item
            - second item
            - third item

            def fibonacci(n):
                \"\"\"Return the n-th Fibonacci number.\"\"\"
                a, b = 0, 1
                for _ in range(n):
                    a, b = b, a + b
                return a

            def main():
                for i in range(10):
                    print(f"fib({i}) = {fibonacci(i)}")

            if __name__ == "__main__":
                main()

            public final class Counter {
                private final Map<String, Integer> counts = new HashMap<>();

                public void add(String word) {
                    counts.merge(word, 1, Integer::sum);
                }

                public int get(String word) {
                    return counts.getOrDefault(word, 0);
                }

                @Override
                public String toString() {
                    return "Counter" + counts;
                }
            }

            for (int i = 0; i < n; i++) {
                if (values[i] > max) {
                    max = values[i];
                }
            }

            {"name": "get_weather", "arguments": {"city": "Paris", "days": 3, "unit": "celsius"}}
            {"role": "user", "content": "What is the weather like today?"}
            {"role": "assistant", "content": "It is sunny and warm."}

            #include <stdio.h>
            int main(void) {
                printf("hello, world\\n");
                return 0;
            }

            $ ls -la /home/user/project
            $ git commit -m "Add the tokenizer" && git push origin main
            $ echo $HOME | grep user

            <div class="note"><p>This is a paragraph with <b>bold</b> text.</p></div>

            SELECT name, count(*) FROM users WHERE active = 1 GROUP BY name ORDER BY name;

            The model reads one token at a time and predicts the next one. Each layer mixes the
            information from earlier tokens with attention and then transforms it with a feed forward
            network. Mixture of experts layers send each token to a few experts out of many, which keeps
            the cost per token low while the total number of parameters stays large.
            Attention over a very long context is expensive, so the keys and values of old tokens are
            compressed, and an indexer selects the few compressed blocks that matter for the current token.
            Testing matters: every kernel has a simple reference version, and the fast version must agree
            with it. When they disagree, the fast version is wrong until proven otherwise.
            """;
}
