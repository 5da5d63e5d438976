package ai.thinkheads.phoenix.testkit.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * What the HTTP face does to one request instead of (or before) serving it: wait, answer with a
 * chosen status, or reset the connection. Built by the factories; scheduled through
 * {@link HttpFaults}.
 *
 * @param delay time to wait before acting (zero for none)
 * @param status status to answer with instead of serving, or 0 to serve normally after the delay
 * @param message error text for {@code status} (reason phrase and {@code message})
 * @param reset close the connection with a TCP reset instead of answering
 */
public record HttpFault(Duration delay, int status, String message, boolean reset) {

    public HttpFault {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        if (status != 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("status: " + status + " is not an error status");
        }
    }

    /** Serve normally, but only after {@code delay}. */
    public static HttpFault delay(Duration delay) {
        return new HttpFault(delay, 0, null, false);
    }

    /** Answer {@code status} with {@code message} (e.g. 500, 503, or 596 as pveproxy does for an unreachable node). */
    public static HttpFault respond(int status, String message) {
        return new HttpFault(Duration.ZERO, status, Objects.requireNonNull(message, "message"), false);
    }

    /** Reset the connection after reading the request: the client sees its connection drop. */
    public static HttpFault connectionReset() {
        return new HttpFault(Duration.ZERO, 0, null, true);
    }

    /** Whether the request still reaches the API after this fault. */
    public boolean serves() {
        return status == 0 && !reset;
    }
}
