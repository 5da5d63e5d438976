package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The guests behind the VMs: starting and stopping one (pending changes apply, the guest OS on
 * the boot disk boots with its cloud-init seed, DHCP hands out addresses), the guest OS models
 * per disk, and the guest agent's handlers ({@code agent/ping}, {@code network-get-interfaces},
 * {@code exec}, {@code exec-status}). Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class Guests {

    private final Inventory inventory;
    private final Drives drives;
    private final TaskEngine tasks;
    private final Duration guestBootDelay;
    private final List<String> dhcpPool;
    private final int dhcpPrefix;
    /** A scripted command interpreter replacing the guest OS model's for agent exec, or null: the model's. */
    private final GuestBehaviour behaviour;
    private final GuestImages guestImages;
    private final VolumeReader volumeReader;
    private final Duration cloudInitBase;
    private final Duration cloudInitPerPackage;
    private int nextDhcp;

    Guests(Inventory inventory, Drives drives, TaskEngine tasks, PveCluster.Builder b, VolumeReader volumeReader) {
        this.inventory = inventory;
        this.drives = drives;
        this.tasks = tasks;
        this.guestBootDelay = b.guestBootDelay;
        this.dhcpPool = List.copyOf(b.dhcpPool);
        this.dhcpPrefix = b.dhcpPrefix;
        this.behaviour = b.guest;
        this.guestImages = b.guestImages;
        this.volumeReader = volumeReader;
        this.cloudInitBase = b.cloudInitBase;
        this.cloudInitPerPackage = b.cloudInitPerPackage;
    }

    /** Starts {@code vm}: pending changes apply (vmconfig_apply_pending), the guest boots, cloud-init addresses are handed out. */
    void boot(VmRecord vm, Instant at) {
        vm.pending.forEach((k, v) -> {
            drives.replaceDrive(vm, k, v);
            vm.conf.put(k, v);
        });
        vm.pending.clear();
        for (String k : new ArrayList<>(vm.pendingDelete)) {
            drives.deleteOption(vm, k);
        }
        vm.pendingDelete.clear();
        vm.power = PowerState.RUNNING;
        vm.startedAt = at;
        vm.execs.clear();
        GuestSystem os = vm.bootOs();
        if (os != null) {
            // vm_start generates the cloud-init drive from the config (Cloudinit::generate_cloudinit_config)
            boolean hostpci = vm.conf.keySet().stream().anyMatch(k -> k.matches("hostpci\\d+"));
            os.boot(at.plus(guestBootDelay), vm.agentEnabled(), hostpci,
                    CloudInitDatasource.find(vm.vmid, vm.node, vm.conf, volumeReader), cloudInitBase, cloudInitPerPackage);
        }
        vm.addresses.clear();
        for (int i = 0; i <= 31; i++) {
            if (!vm.conf.containsKey("net" + i)) {
                continue;
            }
            String ipconfig = vm.conf.get("ipconfig" + i);
            String ip = ipconfig == null ? (i == 0 ? "dhcp" : null) : PropertyString.parse(ipconfig).get("ip").orElse(null);
            if ("dhcp".equals(ip)) {
                String lease = vm.dhcpLeases.get(i);
                if (lease == null) {
                    lease = nextDhcpAddress();
                    if (lease != null) {
                        vm.dhcpLeases.put(i, lease);
                    }
                }
                ip = lease;
            }
            if (ip != null) {
                vm.addresses.put(i, ip);
            }
        }
    }

    /** Stops {@code vm}: its guest OS halts, its processes and addresses are gone. */
    void halt(VmRecord vm) {
        settleGuest(vm);
        vm.diskOs.values().forEach(GuestSystem::halt);
        vm.power = PowerState.STOPPED;
        vm.startedAt = null;
        vm.execs.clear();
        vm.addresses.clear();
    }

    /** {@code agent/ping}: returns when the agent answers. */
    void agentPing(String node, int vmid) {
        tasks.settle();
        assertAgentAvailable(node, vmid);
    }

    /** {@code agent/network-get-interfaces}: {@code lo} and one interface per NIC, with cloud-init's addresses. */
    List<GuestInterface> agentNetworkGetInterfaces(String node, int vmid) {
        tasks.settle();
        VmRecord vm = assertAgentAvailable(node, vmid);
        List<GuestInterface> out = new ArrayList<>();
        out.add(new GuestInterface("lo", "00:00:00:00:00:00", List.of(
                new GuestInterface.Address("ipv4", "127.0.0.1", 8), new GuestInterface.Address("ipv6", "::1", 128))));
        int index = 0;
        for (int i = 0; i <= 31; i++) {
            String net = vm.conf.get("net" + i);
            if (net == null) {
                continue;
            }
            String mac = ConfigSchema.parseNet(net).get("macaddr").orElse("").toLowerCase(Locale.ROOT);
            List<GuestInterface.Address> addresses = new ArrayList<>();
            String ip = vm.addresses.get(i);
            if (ip != null) {
                String[] parts = ip.split("/");
                addresses.add(new GuestInterface.Address("ipv4", parts[0], Integer.parseInt(parts[1])));
            }
            out.add(new GuestInterface("eth" + index++, mac, addresses));
        }
        return out;
    }

    /** {@code agent/exec}: starts {@code command} in the guest and returns its PID. */
    int agentExec(String node, int vmid, List<String> command, String inputData) {
        tasks.settle();
        VmRecord vm = assertAgentAvailable(node, vmid);
        if ((command == null || command.isEmpty()) && inputData == null) {
            // PVE::QemuServer::Agent::qemu_exec
            throw new ParameterRejectedException(node, vmid, Map.of("command", "command or input-data (or both) required"));
        }
        List<String> argv = command == null ? List.of() : List.copyOf(command);
        int pid = vm.nextExecPid++;
        if (behaviour != null) {
            GuestBehaviour.Outcome outcome = behaviour.exec(new GuestBehaviour.Guest(vmid, node, vm.effectiveConf(),
                    vm.conf.getOrDefault("name", "VM" + vmid)), argv, inputData);
            vm.execs.put(pid, new VmRecord.Exec(tasks.now().plus(outcome.runtime()), outcome, null));
            return pid;
        }
        GuestSystem os = vm.bootOs();
        String name = argv.isEmpty() ? "" : argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
        Instant ciEnd = os.cloudInitEnd();
        if (name.equals("cloud-init") && argv.contains("status") && argv.contains("--wait") && ciEnd != null) {
            // cloudinit/cmd/status.py: --wait polls until cloud-init is no longer running; the
            // process exits (and is recorded) only then
            boolean longForm = argv.contains("--long");
            vm.execs.put(pid, new VmRecord.Exec(ciEnd, null, () -> {
                settleGuest(vm);
                String format = GuestCommands.statusFormat(argv);
                GuestSystem.Outcome o = os.cloudInitStatus(longForm, format == null ? "tabular" : format);
                os.commands.add(new GuestState.Command("agent", argv, o.exitCode()));
                return new GuestBehaviour.Outcome(o.exitCode(), o.stdout(), o.stderr(), Duration.ZERO);
            }));
            return pid;
        }
        GuestSystem.Outcome o = os.exec(argv, inputData);
        vm.execs.put(pid, new VmRecord.Exec(tasks.now(), new GuestBehaviour.Outcome(o.exitCode(), o.stdout(), o.stderr(), Duration.ZERO), null));
        return pid;
    }

    /** {@code agent/exec-status}. */
    GuestExecStatus agentExecStatus(String node, int vmid, int pid) {
        tasks.settle();
        VmRecord vm = assertAgentAvailable(node, vmid);
        VmRecord.Exec exec = vm.execs.get(pid);
        if (exec == null) {
            // what qemu-guest-agent answers for an unknown PID, relayed by check_agent_error
            throw new NotFoundException("Agent error: Invalid parameter 'pid'", node, vmid);
        }
        if (tasks.now().isBefore(exec.endsAt())) {
            return GuestExecStatus.running();
        }
        GuestBehaviour.Outcome outcome = exec.outcome();
        if (outcome == null) {
            outcome = exec.late().get();
            vm.execs.put(pid, new VmRecord.Exec(exec.endsAt(), outcome, null));
        }
        return new GuestExecStatus(true, outcome.exitCode(), outcome.stdout(), outcome.stderr());
    }

    /**
     * Whether the agent answers: the VM's config enables it, the VM runs, its boot disk holds an
     * OS that is up, and qemu-guest-agent is installed and running in it. The stock Ubuntu cloud
     * image has no qemu-guest-agent, so without user-data that installs and starts it the agent
     * never answers.
     */
    boolean agentAnswering(VmRecord vm) {
        if (!vm.agentEnabled() || vm.power != PowerState.RUNNING || vm.startedAt == null
                || tasks.now().isBefore(vm.startedAt.plus(guestBootDelay))) {
            return false;
        }
        GuestSystem os = vm.bootOs();
        if (os == null) {
            return false;
        }
        settleGuest(vm);
        return os.agentRunning();
    }

    /**
     * A read-only picture of the guest OS on {@code vmid}'s boot disk, for tests: packages,
     * services, users, files, mounts, cloud-init's status and the commands run. A VM whose boot
     * disk holds no OS gives {@link GuestState#noOs()}.
     */
    GuestState guest(int vmid) {
        tasks.settle();
        VmRecord vm = inventory.vms.get(vmid);
        if (vm == null) {
            throw new NotFoundException("Configuration file 'qemu-server/" + vmid + ".conf' does not exist", null, vmid);
        }
        settleGuest(vm);
        GuestSystem os = vm.bootOs();
        return os == null ? GuestState.noOs() : os.view();
    }

    void settleGuest(VmRecord vm) {
        for (GuestSystem os : vm.diskOs.values()) {
            os.settle(tasks.now());
        }
    }

    /** The guest OS a drive value brings: a fresh system when it imports a known cloud image. */
    Optional<GuestSystem> importedSystem(String driveValue) {
        return PropertyString.parse(driveValue, "file").get("import-from").flatMap(guestImages::imageFor).map(GuestSystem::new);
    }

    static Map<String, GuestSystem> copySystems(Map<String, GuestSystem> from) {
        Map<String, GuestSystem> out = new TreeMap<>();
        from.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    private VmRecord assertAgentAvailable(String node, int vmid) {
        // PVE::QemuServer::Agent::assert_agent_available
        VmRecord vm = inventory.load(node, vmid);
        if (!vm.conf.containsKey("agent")) {
            throw new WrongStateException("No QEMU guest agent configured", node, vmid);
        }
        if (vm.power == PowerState.STOPPED) {
            throw new WrongStateException("VM " + vmid + " is not running", node, vmid);
        }
        if (!agentAnswering(vm)) {
            throw new WrongStateException("QEMU guest agent is not running", node, vmid);
        }
        return vm;
    }

    String nextDhcpAddress() {
        if (nextDhcp >= dhcpPool.size()) {
            return null;
        }
        return dhcpPool.get(nextDhcp++) + "/" + dhcpPrefix;
    }
}
