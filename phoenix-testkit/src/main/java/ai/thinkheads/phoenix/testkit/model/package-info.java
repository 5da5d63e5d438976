/**
 * An in-memory Proxmox VE cluster that behaves like qemu-server: start with
 * {@link ai.thinkheads.phoenix.testkit.model.PveCluster}, whose operations are named after the API
 * handlers and take their raw parameters, so an HTTP face ({@code /api2/json/...}) or an SSH face
 * ({@code qm}, {@code pvesh}) can serve it directly. {@code FakeHypervisor} in the parent package
 * adapts it to the core {@code Hypervisor} seam. Each VM's boot disk carries a guest OS model
 * ({@code GuestSystem}, seen through {@link ai.thinkheads.phoenix.testkit.model.GuestState}): the stock
 * Ubuntu 24.04 cloud image acting on its cloud-init data, whose agent answers only once
 * qemu-guest-agent is installed and running.
 */
package ai.thinkheads.phoenix.testkit.model;
