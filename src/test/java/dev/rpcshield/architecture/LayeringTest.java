package dev.rpcshield.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of {@code src/main}: no package cycle; the transports ({@code http}, {@code ws}) are
 * imported by nothing that decides policy; the leaf packages (proof verification among them) depend
 * on no other RpcShield package but the leaves; identity knows nothing of the account store.
 */
@AnalyzeClasses(packages = "dev.rpcshield", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles =
      slices().matching("dev.rpcshield.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule policiesDoNotUseTransports =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "dev.rpcshield.http..", "dev.rpcshield.ws..", "dev.rpcshield.ops..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.rpcshield.http..", "dev.rpcshield.ws..")
          .because("endpoints translate and delegate; policies never see a request or a session");

  @ArchTest
  static final ArchRule leavesDependOnNoOtherPart =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.rpcshield.config..",
              "dev.rpcshield.telemetry..",
              "dev.rpcshield.net..",
              "dev.rpcshield.jsonrpc..",
              "dev.rpcshield.verify..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.rpcshield.account..",
              "dev.rpcshield.admin..",
              "dev.rpcshield.http..",
              "dev.rpcshield.identity..",
              "dev.rpcshield.limit..",
              "dev.rpcshield.ops..",
              "dev.rpcshield.pipeline..",
              "dev.rpcshield.ratewatch..",
              "dev.rpcshield.sender..",
              "dev.rpcshield.upstream..",
              "dev.rpcshield.ws..");

  @ArchTest
  static final ArchRule cacheAndLogsKnowNoPipelineNorUpstreams =
      noClasses()
          .that()
          .resideInAnyPackage("dev.rpcshield.cache..", "dev.rpcshield.logs..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.rpcshield.account..",
              "dev.rpcshield.admin..",
              "dev.rpcshield.http..",
              "dev.rpcshield.identity..",
              "dev.rpcshield.limit..",
              "dev.rpcshield.ops..",
              "dev.rpcshield.pipeline..",
              "dev.rpcshield.ratewatch..",
              "dev.rpcshield.sender..",
              "dev.rpcshield.upstream..",
              "dev.rpcshield.ws..")
          .because("a cache and a splitter are built per network from narrow inputs");

  @ArchTest
  static final ArchRule identityKnowsNoAccountStore =
      noClasses()
          .that()
          .resideInAPackage("dev.rpcshield.identity..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.rpcshield.account..");
}
