package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.DestroyOptions;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.PlanOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code phoenix destroy FILE... [--only NAME...]}: destroys the guests the files declare that exist
 * and are owned by Phoenix (they carry the ownership tag: {@link PlanOptions#owns}, the planner's own
 * test). A guest named like a declared one but not owned is kept and named. A running guest is
 * stopped first (as {@code qm destroy} refuses a running VM: qemu-server's {@code PVE/API2/Qemu.pm},
 * {@code destroy_vm} checks {@code check_running} and dies "VM $vmid is running - destroy failed"),
 * then destroyed with purge and its unreferenced disks, as the applier's delete step does.
 */
@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = {"Destroy the guests the files declare, with their disks: only guests Phoenix owns (those "
                + "carrying its ownership tag); any other guest of a declared name is kept and named. Asks for "
                + "confirmation on the terminal unless --auto-approve; a running guest is stopped first. "
                + "Exit 0 when every owned guest was destroyed (or there was none), 1 when declined, refused or a step failed."},
        footer = {"", "Example:", "  phoenix destroy --target simulator --state /tmp/sim --only docker-02 examples/definitions/seed.phoenix.json"})
final class DestroyCommand extends Verb {

    @Mixin
    DefinitionOptions definitions;

    @Mixin
    TargetOptions target;

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = "Destroy only these declared guests (repeat or separate with commas).")
    List<String> only = new ArrayList<>();

    @Option(names = "--auto-approve", description = "Destroy without asking.")
    boolean autoApprove;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for each guest's stop and destroy task (default ${DEFAULT-VALUE} s).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        target.refuseSecretFlags();
        DefinitionFiles.Result files = definitions.read(target, context());
        if (reportProblems(files)) {
            return ERROR;
        }
        List<String> declared = files.vms().stream().map(VmDefinition::name).toList();
        List<String> unknown = only.stream().filter(n -> !declared.contains(n)).distinct().toList();
        if (!unknown.isEmpty()) {
            err().println("--only names guests the files do not declare: " + String.join(", ", unknown)
                    + ". Nothing was destroyed.");
            return ERROR;
        }
        Set<String> chosen = new LinkedHashSet<>(only.isEmpty() ? declared : only);
        PlanOptions ownership = PlanOptions.defaults();
        try (Connection c = target.open(context())) {
            Hypervisor pve = c.hypervisor();
            List<VmSummary> existing = pve.listVms();
            List<VmSummary> doomed = new ArrayList<>();
            // reverse declaration order, then clones before templates (as the planner's prune orders them)
            List<VmDefinition> order = new ArrayList<>(files.vms().stream().filter(d -> chosen.contains(d.name())).toList());
            Collections.reverse(order);
            for (VmDefinition d : order) {
                doomed.addAll(declaredGuest(d, existing, ownership));
            }
            doomed.sort(Comparator.comparing(VmSummary::template));
            if (doomed.isEmpty()) {
                out().println("Nothing to destroy.");
                return OK;
            }
            out().println("To destroy, with their disks: " + String.join(", ", doomed.stream().map(DestroyCommand::label).toList()));
            if (!confirmed(autoApprove, "Destroy " + doomed.size() + (doomed.size() == 1 ? " guest" : " guests")
                    + " and their data?", "Destroy", "destroyed")) {
                return ERROR;
            }
            List<String> destroyed = new ArrayList<>();
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            for (VmSummary v : doomed) {
                try {
                    if (v.state() == PowerState.RUNNING) {
                        pve.stop(v.ref()).await(timeout);
                        out().println("stopped: " + label(v));
                    }
                    pve.destroy(v.ref(), DestroyOptions.everything()).await(timeout);
                } catch (RuntimeException e) {
                    err().println("phoenix: destroying " + label(v) + " failed: " + e.getMessage());
                    err().println("Destroyed before the failure: " + (destroyed.isEmpty() ? "none" : String.join(", ", destroyed))
                            + "; not destroyed: " + String.join(", ", doomed.subList(doomed.indexOf(v), doomed.size())
                                    .stream().map(DestroyCommand::label).toList()) + ".");
                    return ERROR;
                }
                destroyed.add(label(v));
                out().println("destroyed: " + label(v));
                out().flush();
            }
            out().println("Destroy complete: " + destroyed.size() + (destroyed.size() == 1 ? " guest" : " guests") + " destroyed.");
            return OK;
        }
    }

    /**
     * The guest {@code d} declares, if it exists and Phoenix owns it; says why any other guest of its
     * name is kept. With a VMID in the definition only that VM is the declared one; without, a name
     * that several owned guests carry is ambiguous (as the planner says) and none of them is destroyed.
     */
    private List<VmSummary> declaredGuest(VmDefinition d, List<VmSummary> existing, PlanOptions ownership) {
        String name = d.name();
        List<VmSummary> named = existing.stream().filter(v -> v.name().equals(name)).toList();
        if (named.isEmpty()) {
            out().println("absent: " + name + " does not exist");
            return List.of();
        }
        Optional<Integer> vmid = d.spec().vmid();
        List<VmSummary> owned = new ArrayList<>();
        for (VmSummary v : named) {
            if (vmid.isPresent() && vmid.get() != v.vmid()) {
                out().println("kept: " + label(v) + " is named like " + name + " but the files declare VMID " + vmid.get());
            } else if (!ownership.owns(v)) {
                out().println("kept: " + label(v) + " is not managed by Phoenix");
            } else {
                owned.add(v);
            }
        }
        if (owned.size() > 1) {
            owned.forEach(v -> out().println("kept: " + label(v) + ": " + owned.size() + " guests managed by Phoenix are named "
                    + name + ", the name is ambiguous; give the definition a VMID or remove the guest not meant"));
            return List.of();
        }
        return owned;
    }

    private static String label(VmSummary v) {
        return v.name() + " (VM " + v.vmid() + ")";
    }
}
