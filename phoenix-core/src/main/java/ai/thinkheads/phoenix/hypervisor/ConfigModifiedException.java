package ai.thinkheads.phoenix.hypervisor;

/**
 * A config update carried a digest that no longer matches: someone else changed the VM since it
 * was read. Proxmox says {@code detected modified configuration - file changed by other user? Try
 * again.} (pve-common {@code PVE::Tools::assert_if_modified}). Re-read, re-plan, retry.
 */
public class ConfigModifiedException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public ConfigModifiedException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }
}
