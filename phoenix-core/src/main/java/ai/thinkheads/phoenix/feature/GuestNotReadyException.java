package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.PhoenixException;

/**
 * A started VM's guest did not become ready in time: its agent never answered, it reported no
 * address, or cloud-init did not finish. The message says which and what Proxmox last said.
 */
public class GuestNotReadyException extends PhoenixException {

    private final int vmid;

    public GuestNotReadyException(String message, int vmid) {
        super(message);
        this.vmid = vmid;
    }

    public int vmid() {
        return vmid;
    }
}
