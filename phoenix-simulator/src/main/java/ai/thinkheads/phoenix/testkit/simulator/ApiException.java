package ai.thinkheads.phoenix.testkit.simulator;

import java.util.Map;

/**
 * Thrown inside route handlers to answer with an error; the router turns it into an
 * {@link ApiResponse}. The equivalent of {@code die PVE::Exception->new($msg, code => ...)}.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ApiResponse response;

    public ApiException(int status, String message) {
        super(message);
        this.response = ApiResponse.error(status, message.endsWith("\n") ? message : message + "\n");
    }

    public ApiException(Map<String, String> parameterErrors) {
        super("Parameter verification failed.");
        this.response = ApiResponse.parameterErrors(parameterErrors);
    }

    public ApiResponse response() {
        return response;
    }
}
