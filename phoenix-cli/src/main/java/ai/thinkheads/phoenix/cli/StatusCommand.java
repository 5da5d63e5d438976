package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.Planner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code phoenix status [FILE...]}: the guests, their node, state, addresses and whether they are provisioned. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"List the guests: VMID, name, node, state, kind, the addresses the guest agent reports "
                + "(when it answers) and whether Phoenix brought the guest up (its provisioned tag). "
                + "With files, only the guests they declare, and those not created yet as 'absent'."},
        footer = {"", "Example:", "  phoenix status --target simulator --state /tmp/sim examples/definitions/seed.phoenix.json"})
final class StatusCommand extends Verb {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Definition files whose guests to show (default: every guest).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--image-storage", paramLabel = "STORAGE", description = "As for plan.")
    String imageStorage;

    @Mixin
    TargetOptions target;

    @Override
    public Integer call() {
        target.refuseSecretFlags();
        Set<String> declared = null;
        if (!files.isEmpty()) {
            DefinitionFiles.Result read = DefinitionOptions.read(files, imageStorage, target, context());
            if (reportProblems(read)) {
                return ERROR;
            }
            declared = new LinkedHashSet<>(read.vms().stream().map(VmDefinition::name).toList());
        }
        try (Connection c = target.open(context())) {
            Hypervisor pve = c.hypervisor();
            String format = "%-6s %-24s %-8s %-9s %-8s %-30s %s%n";
            out().printf(format, "VMID", "NAME", "NODE", "STATE", "KIND", "ADDRESSES", "PROVISIONED");
            Set<String> shown = new LinkedHashSet<>();
            for (VmSummary vm : pve.listVms()) {
                if (declared != null && !declared.contains(vm.name())) {
                    continue;
                }
                shown.add(vm.name());
                out().printf(format, vm.vmid(), vm.name(), vm.node(), vm.state().proxmoxName(),
                        vm.template() ? "template" : "vm", addresses(pve, vm), provisioned(pve, vm));
            }
            if (declared != null) {
                for (String name : declared) {
                    if (!shown.contains(name)) {
                        out().printf(format, "-", name, "-", "absent", "-", "-", "no");
                    }
                }
            }
            return OK;
        }
    }

    /** The guest's addresses without loopback and link-local ones, if its agent answers now (no waiting). */
    private static String addresses(Hypervisor pve, VmSummary vm) {
        if (vm.template() || vm.state() != PowerState.RUNNING) {
            return "-";
        }
        try {
            List<String> out = new ArrayList<>();
            for (GuestInterface nic : pve.agentNetworkInterfaces(vm.ref())) {
                for (GuestInterface.Address a : nic.addresses()) {
                    String ip = a.address();
                    if (!nic.name().equals("lo") && !ip.startsWith("127.") && !ip.equals("::1") && !ip.toLowerCase().startsWith("fe80:")) {
                        out.add(ip);
                    }
                }
            }
            return out.isEmpty() ? "-" : String.join(",", out);
        } catch (HypervisorException e) {
            return "-";   // no agent, or it does not answer yet
        }
    }

    private static String provisioned(Hypervisor pve, VmSummary vm) {
        if (vm.template()) {
            return "-";
        }
        String tags = pve.getConfig(vm.ref()).get("tags").orElse("");
        for (String t : tags.split("[;, ]")) {
            if (t.startsWith(Planner.PROVISIONED_TAG_PREFIX)) {
                return "yes";
            }
        }
        return "no";
    }
}
