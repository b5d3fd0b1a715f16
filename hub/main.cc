// confide-hub: composition root. Loads the config, opens storage, serves mTLS gRPC, reloads the
// policy on SIGHUP and shuts down cleanly on SIGTERM/SIGINT.

#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "common/files.h"
#include "common/log.h"
#include "common/tls.h"
#include "grpcpp/grpcpp.h"
#include "hub/audit/tree_head.h"
#include "hub/audit/tree_head_issuer.h"
#include "hub/exchange.h"
#include "hub/hub_config.h"
#include "hub/service/hub_services.h"
#include "hub/storage/rocksdb_store.h"
#include "policy/policy.h"

namespace confide::hub {
namespace {

constexpr int kExitConfig = 1;
constexpr int kExitUnavailable = 4;
// Requests in progress at once (each may wait on the disk), and requests allowed to wait for one
// of them; beyond that the hub refuses at once rather than queue without bound.
constexpr int kRequestWorkers = 64;
constexpr int kMaxQueuedRequests = 1024;

ExchangeOptions MakeExchangeOptions(const v1::HubConfig& config) {
  ExchangeOptions options;
  options.max_batch_records = config.max_batch_records();
  return options;
}

absl::CivilDay Today(const Clock& clock) {
  return absl::ToCivilDay(clock.Now(), absl::UTCTimeZone());
}

// Purges expired records; a failure is logged and retried at the next pass (the purge and its
// audit event are one atomic write, so a failed pass leaves nothing half done).
void RetentionPass(Exchange& exchange) {
  absl::StatusOr<int64_t> purged = exchange.RunRetention();
  if (!purged.ok()) {
    LogError("hub", "retention pass failed, will retry: ", purged.status().message());
  } else if (*purged > 0) {
    LogInfo("hub", "retention pass purged ", *purged, " expired records");
  }
}

// Runs RetentionPass every `interval` until stopped.
class RetentionScheduler {
 public:
  RetentionScheduler(Exchange& exchange, absl::Duration interval)
      : thread_([this, &exchange, interval] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!stop_) {
            if (stopped_.wait_for(lock, absl::ToChronoSeconds(interval),
                                  [this] { return stop_; })) {
              break;
            }
            lock.unlock();
            RetentionPass(exchange);
            lock.lock();
          }
        }) {}
  ~RetentionScheduler() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    stopped_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable stopped_;
  bool stop_ = false;
  std::thread thread_;
};

void ReloadPolicy(Exchange& exchange, const std::string& path, const Clock& clock) {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> loaded =
      policy::Policy::FromFile(path, Today(clock));
  if (!loaded.ok()) {
    LogError("hub", "policy reload refused, keeping version ", exchange.policy()->version(), ":\n",
             loaded.status().message());
    if (!exchange
             .RecordEvent("policy.reload", v1::AuditEvent::ERROR,
                          absl::StrCat("refused: ", loaded.status().message()))
             .ok()) {
      LogError("hub", "could not audit the refused policy reload");
    }
    return;
  }
  for (const std::string& warning : (*loaded)->warnings()) {
    LogWarning("hub", warning);
  }
  std::string detail =
      absl::StrCat("policy ", exchange.policy()->version(), " -> ", (*loaded)->version());
  // Audit first: a policy change that cannot be audited does not take effect.
  if (!exchange.RecordEvent("policy.reload", v1::AuditEvent::ALLOW, detail).ok()) {
    LogError("hub", "could not audit the policy reload; keeping the old policy");
    return;
  }
  exchange.ReplacePolicy(*std::move(loaded));
  LogInfo("hub", "policy reloaded: ", detail);
}

int Run(const std::string& config_path) {
  absl::StatusOr<v1::HubConfig> config = LoadHubConfig(config_path);
  if (!config.ok()) {
    std::cerr << "confide-hub: " << config.status().message() << "\n";
    return kExitConfig;
  }
  RealClock clock;
  absl::StatusOr<std::shared_ptr<const policy::Policy>> policy =
      policy::Policy::FromFile(config->policy_file(), Today(clock));
  if (!policy.ok()) {
    std::cerr << "confide-hub: policy file rejected:\n" << policy.status().message() << "\n";
    return kExitConfig;
  }
  for (const std::string& warning : (*policy)->warnings()) {
    LogWarning("hub", warning);
  }
  absl::StatusOr<std::string> secret = ReadHexKeyFile(config->hub_secret_key_file(), 32);
  if (!secret.ok()) {
    std::cerr << "confide-hub: hub secret: " << secret.status().message() << "\n";
    return kExitConfig;
  }
  // Without its signing key the hub could not commit to its audit log: refuse to start.
  absl::StatusOr<std::unique_ptr<TreeHeadSigner>> audit_signer =
      TreeHeadSigner::FromPemFile(config->audit_signing_key_file());
  if (!audit_signer.ok()) {
    std::cerr << "confide-hub: audit signing key: " << audit_signer.status().message() << "\n";
    return kExitConfig;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(config->tls());
  if (!credentials.ok()) {
    std::cerr << "confide-hub: TLS: " << credentials.status().message() << "\n";
    return kExitConfig;
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(config->data_dir());
  if (!store.ok()) {
    std::cerr << "confide-hub: storage: " << store.status().message() << "\n";
    return kExitUnavailable;
  }

  TreeHeadIssuer tree_heads(**store, **audit_signer, clock);
  Exchange exchange(*policy, **store, **store, clock, *std::move(secret),
                    MakeExchangeOptions(*config), &tree_heads, store->get());
  // Link every stored record into persons before serving, so the first linked query does not
  // pay for it (the index is then kept in step with each write).
  const absl::Time linkage_start = clock.Now();
  absl::StatusOr<linkage::IndexStats> linked = exchange.RebuildLinkage();
  if (!linked.ok()) {
    std::cerr << "confide-hub: cannot build the person index from storage: "
              << linked.status().message() << "\n";
    return kExitUnavailable;
  }
  LogInfo("hub", "person index: ", linked->records, " records in ", linked->persons, " persons (",
          linked->ambiguous_tokens, " ambiguous tokens ignored), built in ",
          absl::FormatDuration(clock.Now() - linkage_start));
  // Declared after the exchange so that its workers finish before the exchange goes.
  DeadlineRunner runner(kRequestWorkers, absl::Milliseconds(config->storage_deadline_ms()),
                        kMaxQueuedRequests);
  IngestService ingest(exchange, runner);
  QueryService query(exchange, runner);
  AuditService audit(exchange, runner);
  AdminService admin(exchange, runner);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config->listen_address(), *credentials, &port);
  builder.RegisterService(&ingest);
  builder.RegisterService(&query);
  builder.RegisterService(&audit);
  builder.RegisterService(&admin);
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "confide-hub: cannot listen on " << config->listen_address() << "\n";
    return kExitUnavailable;
  }
  if (!exchange
           .RecordEvent("hub.start", v1::AuditEvent::ALLOW,
                        absl::StrCat("listening on port ", port))
           .ok()) {
    std::cerr << "confide-hub: cannot write the audit log; refusing to serve\n";
    server->Shutdown();
    return kExitUnavailable;
  }
  // Commit to the log as it stands at start-up, so a later rollback contradicts a signed head.
  if (absl::StatusOr<v1::SignedTreeHead> head = tree_heads.LatestHead(); !head.ok()) {
    std::cerr << "confide-hub: cannot sign the audit tree head: " << head.status().message()
              << "\n";
    server->Shutdown();
    return kExitUnavailable;
  }
  if (!config->port_file().empty()) {
    absl::Status written = WriteFileAtomic(config->port_file(), absl::StrCat(port, "\n"));
    if (!written.ok()) {
      std::cerr << "confide-hub: " << written.message() << "\n";
      server->Shutdown();
      return kExitConfig;
    }
  }
  LogInfo("hub", "serving on port ", port, " with policy ", exchange.policy()->version());
  RetentionPass(exchange);
  RetentionScheduler retention(exchange, absl::Seconds(config->retention_interval_seconds()));

  // Signals are blocked in every thread (see main) and taken here synchronously.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  while (true) {
    int signal_number = 0;
    if (sigwait(&signals, &signal_number) != 0) {
      continue;
    }
    if (signal_number == SIGHUP) {
      ReloadPolicy(exchange, config->policy_file(), clock);
      continue;
    }
    break;
  }
  LogInfo("hub", "shutting down");
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!exchange.RecordEvent("hub.stop", v1::AuditEvent::ALLOW, "clean shutdown").ok()) {
    LogError("hub", "could not audit the shutdown");
  } else if (!tree_heads.LatestHead().ok()) {
    LogError("hub", "could not sign the audit tree head at shutdown");
  }
  return 0;
}

}  // namespace
}  // namespace confide::hub

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else {
      std::cerr << "usage: confide-hub --config hub.textpb\n";
      return 1;
    }
  }
  if (config_path.empty()) {
    std::cerr << "usage: confide-hub --config hub.textpb\n";
    return 1;
  }
  // Block the signals before gRPC starts its threads so only the main loop receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return confide::hub::Run(config_path);
}
