/**
 * Public jqwik arbitraries for Phoenix values; start with
 * {@link ai.thinkheads.phoenix.testkit.arbitraries.PhoenixArbitraries#vmSpecs()}. Every value they
 * generate is valid, so a property failing on one is a bug in the code under test (or here).
 */
package ai.thinkheads.phoenix.testkit.arbitraries;
