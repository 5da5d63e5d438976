/**
 * Phoenix: declarative Proxmox VE virtual machines.
 *
 * <p>Where to start: {@link ai.thinkheads.phoenix.spec.VmSpec} describes one VM;
 * {@link ai.thinkheads.phoenix.hypervisor.Hypervisor} is the small set of Proxmox primitives a
 * backend implements; {@link ai.thinkheads.phoenix.config} holds the Proxmox config language.
 */
package ai.thinkheads.phoenix;
