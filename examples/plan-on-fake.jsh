// Reads the project's own definitions (Phoenix's format), plans and applies them on the in-memory
// fake, and plans again: the second plan is empty.   bin/phoenix-shell examples/plan-on-fake.jsh
var pve = FakeHypervisor.singleNode();
pve.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
var definitions = NativeDefinitionFormat.read(Path.of("examples/definitions/seed.phoenix.json")).vms();
var phoenix = Phoenix.on(pve).applyOptions(ApplyOptions.builder().listener(ConsoleApplyListener.stdout()).build()).time(pve.time());
var plan = phoenix.plan(definitions);
System.out.print(plan.render());
var result = phoenix.apply(plan);
System.out.println("complete: " + result.isComplete());
pve.listVms().forEach(System.out::println);
System.out.print(phoenix.plan(definitions).renderAfter(plan));
/exit
