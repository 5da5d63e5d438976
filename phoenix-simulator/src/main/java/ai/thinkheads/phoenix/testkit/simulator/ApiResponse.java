package ai.thinkheads.phoenix.testkit.simulator;

import java.util.Map;
import java.util.TreeMap;

/**
 * The answer to an {@link ApiRequest}, before a face renders it. For HTTP: the status line's
 * reason is the first line of {@code message}; the JSON body is {@code {"data": ...}} plus
 * {@code errors} and {@code message} on failures (pve-http-server {@code
 * Formatter/Standard.pm::prepare_response_data}, {@code AnyEvent.pm::response}).
 *
 * @param status HTTP status
 * @param message error text (null on success); kept with Perl's trailing newline
 * @param data the {@code data} member: Jackson-serialisable (maps, lists, strings, numbers) or null
 * @param errors per-parameter errors of a 400, or empty
 */
public record ApiResponse(int status, String message, Object data, Map<String, String> errors) {

    public ApiResponse {
        errors = errors == null ? Map.of() : Map.copyOf(new TreeMap<>(errors));
    }

    public static ApiResponse ok(Object data) {
        return new ApiResponse(200, null, data, Map.of());
    }

    public static ApiResponse error(int status, String message) {
        return new ApiResponse(status, message, null, Map.of());
    }

    /** HTTP 400 {@code Parameter verification failed.} with per-parameter messages (pve-common {@code raise_param_exc}). */
    public static ApiResponse parameterErrors(Map<String, String> errors) {
        return new ApiResponse(400, "Parameter verification failed.\n", null, errors);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The status line's reason phrase: the message's first line, as pve-http-server sends it. */
    public String reason() {
        if (message == null || message.isBlank()) {
            return null;
        }
        String first = message.lines().findFirst().orElse("").strip();
        return first.isEmpty() ? null : first;
    }
}
