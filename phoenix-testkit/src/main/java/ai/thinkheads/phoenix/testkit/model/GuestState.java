package ai.thinkheads.phoenix.testkit.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only picture of one VM's guest operating system, for tests: what {@link PveCluster#guest}
 * returns. The state lives with the VM's boot disk (see {@link GuestSystem}); a VM whose boot disk
 * holds no operating system has {@code hasOs() == false} and empty everything.
 *
 * @param hasOs       whether the boot disk holds an operating system
 * @param image       the image the boot disk was imported from ({@link GuestImage#name()}), or "" without OS
 * @param hostname    the guest's hostname
 * @param packages    installed Debian packages
 * @param services    systemd units the installed packages ship, by unit name
 * @param users       user name → supplementary groups
 * @param groups      every group that exists
 * @param files       regular files the model knows, path → content
 * @param directories directories the model knows
 * @param aptSources  third-party apt source URIs configured (from user-data {@code apt: sources:})
 * @param mounts      {@code /etc/fstab} entries and whether each is mounted now
 * @param cloudInit   cloud-init's status now
 * @param instanceIds the instance-ids cloud-init has run its per-instance modules for, oldest first
 * @param commands    the commands run in the guest, by runcmd and by agent exec, in order
 */
public record GuestState(boolean hasOs, String image, String hostname, Set<String> packages, Map<String, Service> services,
                         Map<String, Set<String>> users, Set<String> groups, Map<String, String> files,
                         Set<String> directories, List<String> aptSources, List<Mount> mounts, CloudInit cloudInit,
                         List<String> instanceIds, List<Command> commands) {

    public GuestState {
        packages = Set.copyOf(packages);
        services = Map.copyOf(services);
        users = Map.copyOf(users);
        groups = Set.copyOf(groups);
        files = Map.copyOf(files);
        directories = Set.copyOf(directories);
        aptSources = List.copyOf(aptSources);
        mounts = List.copyOf(mounts);
        instanceIds = List.copyOf(instanceIds);
        commands = List.copyOf(commands);
    }

    /** The picture of a VM whose boot disk holds no operating system. */
    public static GuestState noOs() {
        return new GuestState(false, "", "", Set.of(), Map.of(), Map.of(), Set.of(), Map.of(), Set.of(), List.of(),
                List.of(), new CloudInit("not run", false, List.of(), ""), List.of(), List.of());
    }

    /** Whether {@code unit} is installed and running. */
    public boolean running(String unit) {
        Service s = services.get(unit);
        return s != null && s.running();
    }

    /** A systemd unit: enabled (started at boot) and running now. */
    public record Service(boolean enabled, boolean running) {
    }

    /** An {@code /etc/fstab} entry and whether it is mounted now. */
    public record Mount(String device, String mountPoint, String fsType, boolean active) {
    }

    /**
     * cloud-init's state: {@code status} is what {@code cloud-init status} prints after
     * {@code status: } ({@code not run}, {@code running}, {@code done}, {@code error},
     * {@code disabled}); {@code degraded} marks recoverable errors ({@code degraded done});
     * {@code errors} are the messages; {@code datasource} names the seed it found.
     */
    public record CloudInit(String status, boolean degraded, List<String> errors, String datasource) {
        public CloudInit {
            errors = List.copyOf(errors);
        }
    }

    /** One command run in the guest: who ran it ({@code runcmd} or {@code agent}), its argv and exit code. */
    public record Command(String source, List<String> argv, int exitCode) {
        public Command {
            argv = List.copyOf(argv);
        }
    }
}
