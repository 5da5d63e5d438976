package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.hypervisor.Snapshot;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code phoenix snapshot NAME SNAP}, {@code rollback NAME SNAP}, {@code snapshots NAME}. */
final class SnapshotCommands {

    private static final Duration TASK_TIMEOUT = Duration.ofMinutes(10);

    private SnapshotCommands() {
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Take a snapshot of a guest (its disks and config, as qm snapshot).",
            footer = {"", "Example:", "  phoenix snapshot --state /tmp/sim docker-01 before-upgrade --description 'before the upgrade'"})
    static final class Take extends Verb {
        @Parameters(index = "0", paramLabel = "NAME", description = "The guest, by name or VMID.")
        String guest;

        @Parameters(index = "1", paramLabel = "SNAP", description = "The snapshot's name (a letter, then letters, digits, '-' and '_').")
        String snapshot;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "The snapshot's description.")
        String description;

        @Option(names = "--with-ram", description = "Save the running guest's RAM too (vmstate).")
        boolean withRam;

        @Mixin
        TargetOptions target;

        @Override
        public Integer call() {
            target.refuseSecretFlags();
            try (Connection c = target.open(context())) {
                VmSummary vm = GuestNames.resolve(c.hypervisor(), guest);
                c.hypervisor().createSnapshot(vm.ref(), snapshot, description, withRam).await(TASK_TIMEOUT);
                out().println(vm.name() + " (" + vm.vmid() + "): snapshot " + snapshot + " taken");
                return OK;
            }
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Roll a guest back to a snapshot (as qm rollback).",
            footer = {"", "Example:", "  phoenix rollback --state /tmp/sim docker-01 before-upgrade"})
    static final class Rollback extends Verb {
        @Parameters(index = "0", paramLabel = "NAME", description = "The guest, by name or VMID.")
        String guest;

        @Parameters(index = "1", paramLabel = "SNAP", description = "The snapshot to roll back to.")
        String snapshot;

        @Mixin
        TargetOptions target;

        @Override
        public Integer call() {
            target.refuseSecretFlags();
            try (Connection c = target.open(context())) {
                VmSummary vm = GuestNames.resolve(c.hypervisor(), guest);
                c.hypervisor().rollbackSnapshot(vm.ref(), snapshot).await(TASK_TIMEOUT);
                out().println(vm.name() + " (" + vm.vmid() + "): rolled back to " + snapshot);
                return OK;
            }
        }
    }

    @Command(name = "snapshots", mixinStandardHelpOptions = true, description = "List a guest's snapshots, oldest first.",
            footer = {"", "Example:", "  phoenix snapshots --state /tmp/sim docker-01"})
    static final class ListAll extends Verb {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

        @Parameters(index = "0", paramLabel = "NAME", description = "The guest, by name or VMID.")
        String guest;

        @Mixin
        TargetOptions target;

        @Override
        public Integer call() {
            target.refuseSecretFlags();
            try (Connection c = target.open(context())) {
                VmSummary vm = GuestNames.resolve(c.hypervisor(), guest);
                String format = "%-24s %-23s %-24s %s%n";
                out().printf(format, "SNAPSHOT", "TAKEN", "PARENT", "DESCRIPTION");
                for (Snapshot s : c.hypervisor().listSnapshots(vm.ref())) {
                    out().printf(format, s.name(), TIME.format(s.taken()), s.parentIfAny().orElse("-"),
                            s.description().replace('\n', ' '));
                }
                return OK;
            }
        }
    }
}
