package ai.thinkheads.phoenix.hypervisor;

import ai.thinkheads.phoenix.PhoenixException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Something a {@link Hypervisor} primitive reported. Carries the node and VMID it concerned, when
 * known. Subclasses say what happened; catch this type to handle any failure of the cluster.
 */
public class HypervisorException extends PhoenixException {
    private static final long serialVersionUID = 1L;

    private final String node;
    private final Integer vmid;

    public HypervisorException(String message, String node, Integer vmid, Throwable cause) {
        super(message, cause);
        this.node = node;
        this.vmid = vmid;
    }

    public HypervisorException(String message, String node, Integer vmid) {
        this(message, node, vmid, null);
    }

    public HypervisorException(String message) {
        this(message, null, null, null);
    }

    /** The node the failed operation addressed, if known. */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    /** The VMID the failed operation addressed, if any. */
    public OptionalInt vmid() {
        return vmid == null ? OptionalInt.empty() : OptionalInt.of(vmid);
    }
}
