package ai.thinkheads.phoenix.hypervisor;

/**
 * The cluster did not accept the credentials (HTTP 401, {@code authentication failure}), or an SSH
 * login failed. Never carries the credential itself.
 */
public class AuthenticationException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
