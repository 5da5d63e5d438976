package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.hypervisor.PowerState;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
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
            ctx.onEnd(() -> guests.boot(vm, tasks.now()));
        }, null);
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
