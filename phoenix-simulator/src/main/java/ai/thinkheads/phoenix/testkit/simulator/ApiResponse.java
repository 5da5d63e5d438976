package ai.thinkheads.phoenix.testkit.simulator;

import java.util.List;
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
 * @param printed lines a synchronous handler printed on its stdout ({@link Printed}): shown by the
 *     SSH face's CLIs, dropped by the HTTP face
 */
public record ApiResponse(int status, String message, Object data, Map<String, String> errors, List<String> printed) {

    public ApiResponse {
        errors = errors == null ? Map.of() : Map.copyOf(new TreeMap<>(errors));
        printed = printed == null ? List.of() : List.copyOf(printed);
    }

    /** A response whose handler printed nothing. */
    public ApiResponse(int status, String message, Object data, Map<String, String> errors) {
        this(status, message, data, errors, List.of());
    }

    public static ApiResponse ok(Object data) {
        if (data instanceof Printed p) {
            return new ApiResponse(200, null, p.data(), Map.of(), p.lines());
        }
        return new ApiResponse(200, null, data, Map.of());
    }

    /**
     * What a synchronous handler returns when it also printed lines on its standard output (qemu-server's
     * update_vm running $create_disks prints {@code <drive>: successfully created disk '...'}). A CLI
     * ({@code qm}, {@code pvesh}) runs the handler in its own process, so the lines reach its stdout;
     * over HTTP they go to pvedaemon's stdout, which no client sees, and the HTTP face drops them.
     */
    public record Printed(Object data, List<String> lines) {
        public Printed {
            lines = List.copyOf(lines);
        }
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
