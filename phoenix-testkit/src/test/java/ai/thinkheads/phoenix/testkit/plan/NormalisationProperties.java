package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testing.ThoroughTries;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.arbitraries.PhoenixArbitraries;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The testkit's general spec generator (every option the spec knows: cache modes, aio, backup,
 * NIC models, MTU, queues, IPv6, password hashes, SSH keys, balloon, CPU type, startup, PCI
 * devices, raw options ...), made to fit the fake's single node: whatever a spec declares, the VM
 * it creates plans empty afterwards.
 */
class NormalisationProperties {

    @Provide
    Arbitrary<VmSpec> specs() {
        return PhoenixArbitraries.vmSpecs().map(NormalisationProperties::fitted);
    }

    /** The spec on the fake's storages and bridge, empty disks, sizes a node holds, no user-data snippet. */
    static VmSpec fitted(VmSpec s) {
        int memory = Math.min(s.memoryMiB(), 8192);
        VmSpec.Builder b = VmSpec.builder(s.name()).sockets(Math.min(s.sockets(), 2)).cores(Math.min(s.cores(), 4)).memory(memory)
                .scsihw(s.scsihw());
        s.cpuType().ifPresent(b::cpu);
        s.balloonMiB().ifPresent(x -> b.balloon(Math.min(x, memory)));
        for (Disk d : s.disks()) {
            long gib = Math.max(1, Math.min(8, d.sizeIfAny().map(DiskSize::gibRoundedUp).orElse(4L)));
            b.disk(new Disk(d.bus(), d.index(), "local-lvm", DiskSize.ofGiB(gib), d.discard(), d.ssd(),
                    d.bus() == DriveBus.SCSI && Boolean.TRUE.equals(d.iothread()) && !s.scsihw().equals("virtio-scsi-single")
                            ? null : d.iothread(), d.cache(), d.extraOptions()));
        }
        for (Nic n : s.nics()) {
            b.nic(new Nic(n.index(), n.model(), "vmbr0", n.vlan(), n.mac(), n.firewall(), n.mtu(), n.rate(), n.queues()));
        }
        s.cloudInit().ifPresent(ci -> {
            CloudInit.Builder c = CloudInit.builder("local-lvm");
            if (!ci.slot().equals("ide2")) {
                c.slot(DriveBus.valueOf(ci.slot().replaceAll("\\d+$", "").toUpperCase(java.util.Locale.ROOT)),
                        Integer.parseInt(ci.slot().replaceAll("^[a-z]+", "")));
            }
            ci.user().ifPresent(c::user);
            ci.sshKeys().forEach(c::sshKey);
            ci.passwordHash().ifPresent(c::passwordHash);
            ci.ipConfigs().forEach(c::ipconfig);
            if (!ci.nameservers().isEmpty()) {
                c.nameservers(ci.nameservers().toArray(String[]::new));
            }
            ci.searchDomain().ifPresent(c::searchDomain);
            b.cloudInit(c.build());
        });
        s.agent().ifPresent(b::agent);
        b.bootOrder(s.bootOrder().toArray(String[]::new));
        b.onboot(s.onboot());
        s.startup().ifPresent(x -> b.startup(x.order(), x.up(), x.down()));
        b.tags(s.tags().toArray(String[]::new));
        s.description().ifPresent(b::description);
        s.pciDevices().forEach(b::pci);
        s.options().forEach(b::option);
        return b.template(s.template()).start(false).build();
    }

    /** 100 specs in every build; the thorough suite ({@code -Pthorough}) plans and applies 500. */
    @Property(tries = 100)
    @ThoroughTries(500)
    void whateverASpecDeclaresPlansEmptyOnceApplied(@ForAll("specs") VmSpec spec) {
        FakeHypervisor hv = FakeHypervisor.singleNode();
        Phoenix p = Phoenix.on(hv).time(hv.time());
        List<VmDefinition> defs = List.of(VmDefinition.of(spec));
        Plan plan = p.plan(defs);
        assertTrue(!plan.hasRefusals(), plan.render());
        ApplyResult r = p.apply(plan);
        assertTrue(r.isComplete(), r.render() + "\n" + plan.render());
        Plan again = p.plan(defs);
        assertTrue(again.isEmpty(), again.render() + "\nstored: " + hv.getConfig(hv.listVms().get(0).ref()).values());
    }
}
