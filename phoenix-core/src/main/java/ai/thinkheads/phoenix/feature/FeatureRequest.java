package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.spec.VmSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Feature} is asked to contribute to: the VM's spec (as declared, before any feature
 * changed it), the feature's parameters from the definition, and the definition's extras (e.g. the
 * orchestrator's {@code volumes}).
 *
 * @param vmName the VM's name
 * @param spec the declared spec
 * @param parameters parameter name → raw JSON text
 * @param extras the definition's extras by name → raw JSON text
 * @param guestUser the guest's administrative user: the cloud-init user, or the image's default {@code ubuntu}
 */
public record FeatureRequest(String vmName, VmSpec spec, Map<String, String> parameters, Map<String, String> extras,
                             String guestUser) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public FeatureRequest {
        Objects.requireNonNull(vmName, "vmName");
        Objects.requireNonNull(spec, "spec");
        parameters = Map.copyOf(parameters);
        extras = Map.copyOf(extras);
        Objects.requireNonNull(guestUser, "guestUser");
    }

    /** A parameter as JSON, if given. */
    public Optional<JsonNode> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).map(raw -> parse("parameter " + name, raw));
    }

    /** A string parameter, if given; a non-string value is a {@link FeatureException} naming it. */
    public Optional<String> stringParameter(String feature, String name) {
        return parameter(name).map(n -> {
            if (!n.isTextual()) {
                throw new FeatureException(vmName + ": feature " + feature + ": parameter '" + name + "' must be a string, not " + n);
            }
            return n.asText();
        });
    }

    /** An extra of the definition as JSON, if given. */
    public Optional<JsonNode> extra(String name) {
        return Optional.ofNullable(extras.get(name)).map(raw -> parse("extra " + name, raw));
    }

    private JsonNode parse(String what, String raw) {
        try {
            return JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new FeatureException(vmName + ": " + what + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
