package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import java.util.List;

/** Finds a guest by its name or its VMID, as an operator names it on the command line. */
final class GuestNames {

    private GuestNames() {
    }

    static VmSummary resolve(Hypervisor hypervisor, String nameOrVmid) {
        List<VmSummary> all = hypervisor.listVms();
        List<VmSummary> byName = all.stream().filter(v -> v.name().equals(nameOrVmid)).toList();
        if (byName.size() == 1) {
            return byName.get(0);
        }
        if (byName.size() > 1) {
            throw new IllegalArgumentException("'" + nameOrVmid + "' names " + byName.size() + " guests (VMIDs "
                    + byName.stream().map(v -> String.valueOf(v.vmid())).toList() + "): give the VMID");
        }
        if (nameOrVmid.matches("[1-9][0-9]{2,8}")) {
            int vmid = Integer.parseInt(nameOrVmid);
            return all.stream().filter(v -> v.vmid() == vmid).findFirst()
                    .orElseThrow(() -> new NotFoundException("no guest with VMID " + vmid, null, vmid));
        }
        throw new NotFoundException("no guest named '" + nameOrVmid + "'", null, null);
    }
}
