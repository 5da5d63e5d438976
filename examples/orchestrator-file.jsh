// Reads the same setup in the shell orchestrator's phoenix_vm_configs.json format, shows what it
// ignores, and plans and applies it against the PVE simulator through the HTTP API backend.
// (JShell ends a statement at the end of a line when it can: keep each statement on one line.)
//   bin/phoenix-shell examples/orchestrator-file.jsh
var fake = FakeHypervisor.builder().realTime().defaultTaskDuration(Duration.ofMillis(50)).guestBootDelay(Duration.ofMillis(200)).cloudInitDuration(Duration.ofMillis(500), Duration.ofMillis(20)).build();
fake.cluster().addVolume("pve", "local", "iso/noble-server-cloudimg-amd64.img", 3758096384L);
var sim = PveSimulator.over(fake.cluster()).build().start();
var credentials = Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret()));
var api = ProxmoxApi.builder().baseUrl(sim.url()).defaultNode("pve").credentials(credentials).tls(TlsTrust.pinned(sim.certificateFingerprint())).build();
var set = OrchestratorConfigReader.builder().imageStorage("local").build().read(Path.of("examples/definitions/seed.orchestrator.json"));
System.out.println("ignored: " + set.allIgnored().keySet());
var phoenix = Phoenix.on(api).applyOptions(ApplyOptions.builder().listener(ConsoleApplyListener.stdout()).build());
var plan = phoenix.plan(set.vms());
System.out.print(plan.render());
phoenix.apply(plan);
System.out.print(phoenix.plan(set.vms()).renderAfter(plan));
api.close();
sim.close();
/exit
