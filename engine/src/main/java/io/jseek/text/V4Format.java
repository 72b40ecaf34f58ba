package io.jseek.text;

/** The special strings and fixed texts of DeepSeek-V4's prompt format (spec §3.1, §3.3, §3.5). */
public final class V4Format {
    private V4Format() {
    }

    public static final String BOS = "<｜begin▁of▁sentence｜>";
    public static final String EOS = "<｜end▁of▁sentence｜>";
    public static final String USER = "<｜User｜>";
    public static final String ASSISTANT = "<｜Assistant｜>";
    public static final String THINK_START = "<think>";
    public static final String THINK_END = "</think>";
    public static final String DSML = "｜DSML｜";
    /** ASCII look-alike of {@link #DSML} that models sometimes emit. */
    public static final String DSML_ASCII = "|DSML|";

    public static final String TOOL_CALLS_START = "<" + DSML + "tool_calls>";
    public static final String TOOL_CALLS_END = "</" + DSML + "tool_calls>";
    public static final String INVOKE_END = "</" + DSML + "invoke>";
    public static final String PARAMETER_END = "</" + DSML + "parameter>";
    public static final String TOOL_RESULT_START = "<tool_result>";
    public static final String TOOL_RESULT_END = "</tool_result>";

    public static final String REASONING_EFFORT_MAX = """
            Reasoning Effort: Absolute maximum with no shortcuts permitted.
            You MUST be very thorough in your thinking and comprehensively decompose the problem to resolve the \
            root cause, rigorously stress-testing your logic against all potential paths, edge cases, and \
            adversarial scenarios.
            Explicitly write out your entire deliberation process, documenting every intermediate step, \
            considered alternative, and rejected hypothesis to ensure absolutely no assumption is left unchecked.

            """;

    /** Tools block before the schema lines; it follows the system text after a blank line. */
    static final String TOOLS_HEADER = """
            ## Tools

            You have access to a set of tools to help answer the user's question. You can invoke tools by writing \
            a "<｜DSML｜tool_calls>" block like the following:

            <｜DSML｜tool_calls>
            <｜DSML｜invoke name="$TOOL_NAME">
            <｜DSML｜parameter name="$PARAMETER_NAME" string="true|false">$PARAMETER_VALUE</｜DSML｜parameter>
            ...
            </｜DSML｜invoke>
            <｜DSML｜invoke name="$TOOL_NAME2">
            ...
            </｜DSML｜invoke>
            </｜DSML｜tool_calls>

            String parameters should be specified as is and set `string="true"`. For all other types (numbers, \
            booleans, arrays, objects), pass the value in JSON format and set `string="false"`.

            If thinking_mode is enabled (triggered by <think>), you MUST output your complete reasoning inside \
            <think>...</think> BEFORE any tool calls or final response.

            Otherwise, output directly after </think> with tool calls or final response.

            ### Available Tool Schemas

            """;

    static final String TOOLS_FOOTER = """


            You MUST strictly follow the above defined tool name and parameter schemas to invoke tool calls.
            """;
}
