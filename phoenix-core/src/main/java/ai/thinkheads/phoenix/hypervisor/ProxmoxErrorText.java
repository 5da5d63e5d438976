package ai.thinkheads.phoenix.hypervisor;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that reads a Proxmox error text and names what happened. Both backends use it
 * after taking their transport's own shape apart (HTTP status and {@code errors} map; qm's exit
 * code and stderr), so the same Proxmox message becomes the same exception whichever way it came.
 *
 * <p>The texts are qemu-server's, pve-guest-common's and pve-common's {@code die} messages; each
 * group names its source.
 */
public final class ProxmoxErrorText {

    private static final Pattern LOCK_NAME = Pattern.compile("is locked \\(([^)]+)\\)");
    private static final Pattern TEMPLATE_STATE = Pattern.compile("\\b(is|it's|not) a template\\b");

    /** pve-common Tools.pm assert_if_modified; qemu-server API2/Qemu.pm update_vm and resize_vm. */
    private static final List<String> MODIFIED = List.of("detected modified configuration", "checksum mismatch");

    /**
     * pve-common Tools.pm lock_file_full ("can't lock file '...' - got timeout"); pve-guest-common
     * AbstractConfig.pm check_lock ("VM is locked (clone)"); pve-cluster Cluster.pm cfs_lock, which
     * pve-storage cluster_lock_storage takes for a shared storage ("cfs-lock 'storage-x' error: got
     * lock request timeout").
     */
    private static final List<String> LOCKED = List.of("can't lock file", "is locked", "got lock request timeout");

    /**
     * PVE::Cluster::check_vmid_unused ("VM 100 already exists on node"), clone_vm ("config file
     * already exists"), AbstractConfig snapshot_create ("snapshot name 'x' already used").
     */
    private static final List<String> EXISTS = List.of("already exists", "already used");

    /**
     * AbstractConfig load_config ("Configuration file ... does not exist"), pve-manager
     * check_node_exists ("no such cluster node"), storage ("storage 'x' does not exist"), snapshots
     * ("snapshot 'x' does not exist"), tasks, unresolvable nodes behind pveproxy.
     */
    private static final List<String> NOT_FOUND = List.of("does not exist", "no such vm", "no such snapshot",
            "no such task", "no such node", "no such cluster node", "no such storage", "hostname lookup '",
            "could not find", "unable to open file");

    /**
     * qemu-server: vm_start ("you can't start a vm if it's a template", "VM 100 already running"),
     * template ("you can't convert a template to a template", "... because VM contains snapshots"),
     * clone_vm ("Linked clone feature is not supported"), resize_vm ("shrinking disks is not
     * supported", "you can't resize a cdrom"), destroy_vm ("VM 100 is running - destroy failed",
     * "base volume ... is still in use by linked cloned"), vm_shutdown ("VM is paused"), Agent.pm
     * ("No QEMU guest agent configured", "QEMU guest agent is not running", "VM 100 is not running").
     */
    private static final List<String> WRONG_STATE = List.of("is running", "not running", "already running",
            "convert a template to a template", "because vm contains snapshots", "linked clone feature is not supported",
            "shrinking disks is not supported", "you can't resize a cdrom", "is still in use by linked clone",
            "vm is paused", "guest agent", "vm is protected");

    /** pve-access-control: "Permission check failed (/vms/100, VM.Allocate)". */
    private static final List<String> PERMISSION = List.of("permission check failed");

    private ProxmoxErrorText() {
    }

    /**
     * The exception {@code message} stands for, if Proxmox has a specific word for it; empty for
     * texts that name no known condition (the caller then raises its generic failure).
     */
    public static Optional<HypervisorException> classify(String message, String node, Integer vmid) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (containsAny(lower, MODIFIED)) {
            return Optional.of(new ConfigModifiedException(message, node, vmid));
        }
        if (containsAny(lower, LOCKED)) {
            Matcher m = LOCK_NAME.matcher(message);
            return Optional.of(new LockedException(message, node, vmid, m.find() ? m.group(1) : null));
        }
        if (containsAny(lower, EXISTS)) {
            return Optional.of(new AlreadyExistsException(message, node, vmid));
        }
        if (containsAny(lower, NOT_FOUND)) {
            return Optional.of(new NotFoundException(message, node, vmid));
        }
        if (containsAny(lower, WRONG_STATE) || TEMPLATE_STATE.matcher(lower).find()) {
            return Optional.of(new WrongStateException(message, node, vmid));
        }
        if (containsAny(lower, PERMISSION)) {
            return Optional.of(new PermissionDeniedException(message, node, vmid));
        }
        return Optional.empty();
    }

    private static boolean containsAny(String text, List<String> needles) {
        for (String n : needles) {
            if (text.contains(n)) {
                return true;
            }
        }
        return false;
    }
}
