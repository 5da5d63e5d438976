package ai.thinkheads.phoenix.testkit.schema;

import java.util.Objects;

/**
 * One way a request breaks the PVE API schema.
 *
 * @param parameter the parameter concerned ({@code net0}, {@code net0.bridge} for a property-string
 *     sub-key), or the empty string for the request as a whole (unknown path or method)
 * @param message what is wrong, in words close to pve-common's {@code PVE::JSONSchema} messages
 */
public record SchemaViolation(String parameter, String message) {

    public SchemaViolation {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return parameter.isEmpty() ? message : parameter + ": " + message;
    }
}
