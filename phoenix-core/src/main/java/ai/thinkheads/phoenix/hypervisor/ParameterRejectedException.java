package ai.thinkheads.phoenix.hypervisor;

import java.util.Map;
import java.util.TreeMap;

/**
 * Proxmox refused one or more parameters: HTTP 400 {@code Parameter verification failed.} with an
 * {@code errors} map (pve-common {@code PVE::Exception::raise_param_exc}). {@link #errors()} maps
 * each offending parameter to Proxmox's message for it.
 */
public class ParameterRejectedException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> errors;

    public ParameterRejectedException(String node, Integer vmid, Map<String, String> errors) {
        super(render(errors), node, vmid);
        this.errors = Map.copyOf(errors);
    }

    /** Parameter name → Proxmox's message for it. */
    public Map<String, String> errors() {
        return new TreeMap<>(errors);
    }

    private static String render(Map<String, String> errors) {
        StringBuilder sb = new StringBuilder("Parameter verification failed.");
        new TreeMap<>(errors).forEach((k, v) -> sb.append(System.lineSeparator())
                .append(k).append(": ").append(v.strip()));
        return sb.toString();
    }
}
