package ai.thinkheads.phoenix.hypervisor;

/**
 * A config update carried a digest that no longer matches: someone else changed the VM since it
 * was read. For {@code .../config} and {@code .../resize} qemu-server says {@code checksum mismatch
 * (file change by other user?)} ({@code PVE::API2::Qemu} update_vm, resize_vm); other handlers use
 * {@code detected modified configuration - file changed by other user? Try again.} (pve-common
 * {@code PVE::Tools::assert_if_modified}). Re-read, re-plan, retry.
 */
public class ConfigModifiedException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public ConfigModifiedException(String message, String node, Integer vmid) {
        super(message, node, vmid);
    }
}
