package io.jseek.server;

/**
 * A request failure with its HTTP status and the error type both dialects understand
 * (OpenAI {@code error.type}, Anthropic {@code error.type}); rendered by {@link Dialect}.
 */
final class ApiException extends RuntimeException {
    final int status;
    final String openAiType, anthropicType, code;

    ApiException(int status, String openAiType, String anthropicType, String code, String message) {
        super(message);
        this.status = status;
        this.openAiType = openAiType;
        this.anthropicType = anthropicType;
        this.code = code;
    }

    static ApiException invalid(String message) {
        return new ApiException(400, "invalid_request_error", "invalid_request_error", "invalid_request_error", message);
    }

    static ApiException contextLength(String message) {
        return new ApiException(400, "invalid_request_error", "invalid_request_error", "context_length_exceeded", message);
    }

    static ApiException unauthorized() {
        return new ApiException(401, "authentication_error", "authentication_error", "invalid_api_key",
                "Authentication Fails: missing or invalid API key (send Authorization: Bearer KEY or x-api-key: KEY)");
    }

    static ApiException notFound(String method, String path) {
        return new ApiException(404, "invalid_request_error", "not_found_error", "not_found", "Unknown route: " + method + " " + path);
    }

    static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(405, "invalid_request_error", "invalid_request_error", "method_not_allowed", "Method " + method + " is not allowed on " + path);
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(413, "invalid_request_error", "request_too_large", "request_too_large", "Request body exceeds the limit of " + limit + " bytes");
    }

    static ApiException overloaded(String message) {
        return new ApiException(429, "rate_limit_error", "rate_limit_error", "rate_limit_exceeded", message);
    }

    static ApiException internal(String message) {
        return new ApiException(500, "server_error", "api_error", "server_error", message);
    }
}
