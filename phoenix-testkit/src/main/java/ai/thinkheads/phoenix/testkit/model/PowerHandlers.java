package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * qemu-server's power handlers: {@code vm_start}, {@code vm_stop}, {@code vm_shutdown},
 * {@code vm_reboot}, {@code vm_suspend} and {@code vm_resume}, each a task whose worker checks
 * what Proxmox checks inside it. Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class PowerHandlers {

    private final Inventory inventory;
    private final Storages storages;
    private final Guests guests;
    private final TaskEngine tasks;

    PowerHandlers(Inventory inventory, Storages storages, Guests guests, TaskEngine tasks) {
        this.inventory = inventory;
        this.storages = storages;
        this.guests = guests;
        this.tasks = tasks;
    }

    /** {@code vm_start}: the {@code qmstart} task. Template, lock and "already running" are the worker's errors. */
    Upid vmStart(String node, int vmid) {
        tasks.settle();
        inventory.load(node, vmid);
        return tasks.startTask("qmstart", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::QemuServer::vm_start
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (vm.isTemplate()) {
                throw new TaskError("you can't start a vm if it's a template");
            }
            inventory.checkLockInWorker(vm);
            if (vm.power != PowerState.STOPPED) {
                throw new TaskError("VM " + vmid + " already running");
            }
            storages.checkCicustom(node, vm.effectiveConf());
            checkBridges(ctx, node, vm);
            ctx.onEnd(() -> guests.boot(vm, tasks.now()));
        }, null);
    }

    /**
     * PVE::QemuServer::config_to_command, NIC by NIC from net0: for a virtio NIC print_netdevice_full
     * reads the bridge's MTU (pve-common PVE::Network::read_bridge_mtu), which dies with
     * {@code bridge 'vmbrX' does not exist} before QEMU runs. Any other model gets as far as QEMU,
     * whose ifup script /usr/libexec/qemu-server/pve-bridge dies the same way in tap_create; QEMU
     * reports the script's exit status (its die's $!, ENOENT from /sys/class/net/vmbrX/mtu: 2, so
     * wait status 512) and exits 1, and vm_start_nolock dies with {@code start failed: QEMU exited
     * with code 1}.
     */
    private void checkBridges(TaskEngine.Ctx ctx, String node, VmRecord vm) {
        List<String> bridges = inventory.bridges(node);
        Map<String, String> conf = vm.effectiveConf();
        for (int i = 0; i <= ConfigSchema.INDEXED.get("net"); i++) {
            String value = conf.get("net" + i);
            if (value == null) {
                continue;
            }
            PropertyString net = ConfigSchema.parseNet(value);
            String bridge = net.get("bridge").orElse(null);
            if (bridge == null || bridges.contains(bridge)) {
                continue;
            }
            String message = "bridge '" + bridge + "' does not exist";
            if (net.get("model").orElse("").equals("virtio")) {
                throw new TaskError(message);
            }
            ctx.log(message);
            ctx.log("kvm: -netdev type=tap,id=net" + i + ",ifname=tap" + vm.vmid + "i" + i
                    + ",script=/usr/libexec/qemu-server/pve-bridge,downscript=/usr/libexec/qemu-server/pve-bridgedown:"
                    + " network script /usr/libexec/qemu-server/pve-bridge failed with status 512");
            throw new TaskError("start failed: QEMU exited with code 1");
        }
    }

    /** {@code vm_stop}: hard stop; a stopped VM stays stopped and the task ends OK. */
    Upid vmStop(String node, int vmid) {
        tasks.settle();
        inventory.load(node, vmid);
        return tasks.startTask("qmstop", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            // PVE::QemuServer::_do_vm_stop: nothing to do if not running, else check_lock
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (vm.power == PowerState.STOPPED) {
                return;
            }
            inventory.checkLockInWorker(vm);
            ctx.onEnd(() -> guests.halt(vm));
        }, null);
    }

    /** {@code vm_shutdown} with Proxmox's default timeout of 60 s. */
    Upid vmShutdown(String node, int vmid, boolean forceStop) {
        return vmShutdown(node, vmid, forceStop, null);
    }

    /**
     * {@code vm_shutdown}: a paused VM is refused unless {@code forceStop}. A guest powers off when
     * asked, unless it has ACPI off ({@code acpi: 0}) and no answering agent: then the task runs for
     * {@code timeout} (null: 60 s) and fails, or with {@code forceStop} stops the VM with a warning.
     */
    Upid vmShutdown(String node, int vmid, boolean forceStop, Duration timeout) {
        tasks.settle();
        VmRecord pre = inventory.load(node, vmid);
        if (!forceStop && pre.power == PowerState.PAUSED) {
            // PVE::API2::Qemu vm_shutdown
            throw new WrongStateException("VM is paused - cannot shutdown", node, vmid);
        }
        boolean ignores = pre.power != PowerState.STOPPED && "0".equals(pre.conf.get("acpi")) && !guests.agentAnswering(pre);
        Duration wait = timeout == null ? Duration.ofSeconds(60) : timeout;
        return tasks.startTask("qmshutdown", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ignores ? wait : null, ctx -> {
            // PVE::QemuServer::_do_vm_stop with $shutdown
            VmRecord vm = inventory.loadInWorker(node, vmid);
            if (vm.power == PowerState.STOPPED) {
                return;
            }
            inventory.checkLockInWorker(vm);
            if (ignores) {
                if (!forceStop) {
                    ctx.failAtEnd("VM quit/powerdown failed - got timeout");
                    return;
                }
                ctx.warn("VM still running - terminating now with SIGTERM");
            }
            ctx.onEnd(() -> guests.halt(vm));
        }, null);
    }

    /** {@code vm_reboot}: shutdown and start, applying pending changes. */
    Upid vmReboot(String node, int vmid) {
        tasks.settle();
        VmRecord pre = inventory.load(node, vmid);
        // PVE::API2::Qemu vm_reboot
        if (pre.power == PowerState.PAUSED) {
            throw new WrongStateException("VM is paused - cannot shutdown", node, vmid);
        }
        if (pre.power == PowerState.STOPPED) {
            throw new WrongStateException("VM " + vmid + " not running", node, vmid);
        }
        return tasks.startTask("qmreboot", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            VmRecord vm = inventory.loadInWorker(node, vmid);
            inventory.checkLockInWorker(vm);
            ctx.onEnd(() -> {
                guests.halt(vm);
                guests.boot(vm, tasks.now());
            });
        }, null);
    }

    /** {@code vm_suspend} (to RAM): the VM becomes paused. */
    Upid vmSuspend(String node, int vmid) {
        tasks.settle();
        VmRecord pre = inventory.load(node, vmid);
        if (pre.power == PowerState.STOPPED) {
            // PVE::API2::Qemu vm_suspend
            throw new WrongStateException("VM " + vmid + " not running", node, vmid);
        }
        return tasks.startTask("qmsuspend", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            VmRecord vm = inventory.loadInWorker(node, vmid);
            inventory.checkLockInWorker(vm);
            ctx.onEnd(() -> {
                if (vm.power == PowerState.RUNNING) {
                    vm.power = PowerState.PAUSED;
                }
            });
        }, null);
    }

    /** {@code vm_resume}: a paused VM runs again. */
    Upid vmResume(String node, int vmid) {
        tasks.settle();
        VmRecord pre = inventory.load(node, vmid);
        if (pre.power == PowerState.STOPPED) {
            // PVE::API2::Qemu vm_resume
            throw new WrongStateException("VM " + vmid + " not running", node, vmid);
        }
        return tasks.startTask("qmresume", node, vmid, Set.of(vmid), Set.of(), Duration.ofSeconds(10), ctx -> {
            VmRecord vm = inventory.loadInWorker(node, vmid);
            ctx.onEnd(() -> {
                if (vm.power == PowerState.PAUSED) {
                    vm.power = PowerState.RUNNING;
                }
            });
        }, null);
    }
}
