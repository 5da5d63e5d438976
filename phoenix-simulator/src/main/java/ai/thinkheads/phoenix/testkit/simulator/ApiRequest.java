package ai.thinkheads.phoenix.testkit.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One call of the PVE API as the simulator's faces hand it to the {@link ApiRouter}: method, path
 * relative to {@code /api2/json} (e.g. {@code /nodes/pve1/qemu}), the parameters from query string
 * and body (a repeated parameter keeps every value, as PVE's array parameters need), and who is
 * calling. The HTTP face and the SSH face's {@code pvesh} both build these.
 *
 * @param method GET, POST, PUT or DELETE
 * @param path relative API path, starting with {@code /}
 * @param params parameter name → values, in arrival order
 * @param userId the authenticated user ({@code root@pam}) or token ({@code root@pam!ci})
 */
public record ApiRequest(String method, String path, Map<String, List<String>> params, String userId) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
        params.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        params = Collections.unmodifiableMap(copy);
    }

    /** The single value of {@code name}, if present (the last one if it was repeated). */
    public Optional<String> param(String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** Parameters flattened to one value each (the last), for handlers that take scalars only. */
    public Map<String, String> singleParams() {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v.get(v.size() - 1));
            }
        });
        return out;
    }

    public boolean isWrite() {
        return !"GET".equals(method);
    }
}
