package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.hypervisor.HypervisorException;

/**
 * A mutation addressed a VM on another node. {@code qm} acts only on the node it runs on (its
 * commands are bound to {@code PVE::INotify::nodename()}, qemu-server {@code PVE/CLI/qm.pm}), so
 * the qm backend refuses instead of failing with a misleading "does not exist". Connect a second
 * {@link QmHypervisor} to that node, or use the API backend.
 */
public class ForeignNodeException extends HypervisorException {
    private static final long serialVersionUID = 1L;

    public ForeignNodeException(String requestedNode, String localNode, Integer vmid) {
        super("VM " + (vmid == null ? "" : vmid + " ") + "is addressed on node '" + requestedNode
                + "', but this qm backend runs on node '" + localNode + "'", requestedNode, vmid);
    }
}
