// The seed's first milestone on the in-memory fake: an Ubuntu 24.04 template from the cloud image
// and a Docker VM cloned from it, with its features applied through cloud-init and checked in the
// guest through the agent; then what the guest has, and a second plan with nothing to do.
//   bin/phoenix-shell examples/milestone.jsh
var pve = FakeHypervisor.singleNode();
pve.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
var template = UbuntuCloud.template("ubuntu-2404", 9000).diskSize(DiskSize.ofGiB(10)).build();
var docker = UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32)).address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1").user("ops").features("base_setup", "docker").snapshots("before-features", "after-features").build();
var phoenix = Phoenix.on(pve).applyOptions(ApplyOptions.builder().listener(ConsoleApplyListener.stdout()).build()).time(pve.time());
var plan = phoenix.plan(List.of(template, docker));
System.out.print(plan.render());
var result = phoenix.apply(plan);
System.out.println("complete: " + result.isComplete());
var guest = pve.guest(9101);
System.out.println("docker running: " + guest.running("docker") + ", ops in groups " + guest.users().get("ops") + ", cloud-init " + guest.cloudInit().status());
System.out.print(phoenix.plan(List.of(template, docker)).renderAfter(plan));
/exit
