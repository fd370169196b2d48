// The migration runner and the pool against fakes: no database needed.
#include "storage/migration_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/pool.hpp"

namespace ocean::storage {
namespace {

const EmbeddedMigration kMigrations[] = {
    {1, "0001_init.sql", "create"}, {2, "0002_more.sql", "more"}, {3, "0003_last.sql", "last"}};

// An in-memory database: a version, a transaction that commits or rolls back, and an optional
// other process that migrates at the start of a given transaction.
class FakeTarget final : public MigrationTarget {
 public:
  void InTransaction(const std::function<void()>& body) override {
    ++transactions;
    const int saved_version = version;
    const std::vector<std::string> saved_applied = applied;
    if (transactions == concurrent_at) version = concurrent_to;
    try {
      body();
    } catch (...) {
      version = saved_version;
      applied = saved_applied;
      throw;
    }
  }
  void CreateVersionTable() override { table = true; }
  int CurrentVersion() override {
    EXPECT_TRUE(table);
    return version;
  }
  void Apply(const EmbeddedMigration& migration) override {
    applied.emplace_back(migration.sql);
    if (migration.version == fail_at) throw std::runtime_error("migration failed");
    version = migration.version;
  }

  bool table = false;
  int version = 0;
  int transactions = 0;
  int fail_at = 0;
  int concurrent_at = 0;  // transaction number at which another process migrates
  int concurrent_to = 0;
  std::vector<std::string> applied;
};

TEST(MigrationRunner, AppliesEachInItsOwnTransactionThenNothing) {
  FakeTarget target;
  const MigrationReport first = RunMigrations("fake", kMigrations, target);
  EXPECT_EQ(first.from_version, 0);
  EXPECT_EQ(first.to_version, 3);
  EXPECT_EQ(target.applied, (std::vector<std::string>{"create", "more", "last"}));
  EXPECT_EQ(target.transactions, 4);  // the version read, then one per migration
  const MigrationReport again = RunMigrations("fake", kMigrations, target);
  EXPECT_EQ(again.from_version, 3);
  EXPECT_EQ(again.to_version, 3);
  EXPECT_EQ(target.applied.size(), 3u);
}

TEST(MigrationRunner, StartsFromTheStoredVersion) {
  FakeTarget target;
  target.table = true;
  target.version = 2;
  const MigrationReport report = RunMigrations("fake", kMigrations, target);
  EXPECT_EQ(report.from_version, 2);
  EXPECT_EQ(report.to_version, 3);
  EXPECT_EQ(target.applied, (std::vector<std::string>{"last"}));
}

TEST(MigrationRunner, SkipsWhatAnotherProcessAppliedMeanwhile) {
  FakeTarget target;
  target.concurrent_at = 2;  // the first migration's transaction finds version 2 already
  target.concurrent_to = 2;
  const MigrationReport report = RunMigrations("fake", kMigrations, target);
  EXPECT_EQ(report.to_version, 3);
  EXPECT_EQ(target.applied, (std::vector<std::string>{"last"}));
}

TEST(MigrationRunner, NewerDatabaseIsRefused) {
  FakeTarget target;
  target.version = 4;
  EXPECT_THROW(RunMigrations("fake", kMigrations, target), SchemaTooNewError);
  EXPECT_TRUE(target.applied.empty());
}

TEST(MigrationRunner, FailureKeepsEarlierMigrationsAndStops) {
  FakeTarget target;
  target.fail_at = 2;
  EXPECT_THROW(RunMigrations("fake", kMigrations, target), std::runtime_error);
  EXPECT_EQ(target.version, 1);
  EXPECT_EQ(target.applied, (std::vector<std::string>{"create"}));
}

struct FakeConnection {
  explicit FakeConnection(int n) : number(n) {}
  bool Healthy() const { return healthy; }
  int number;
  bool healthy = true;
};

TEST(StoragePool, OpensOnDemandAndReuses) {
  int opened = 0;
  Pool<FakeConnection> pool("fake", 2, [&] { return std::make_unique<FakeConnection>(++opened); });
  EXPECT_EQ(opened, 0);
  {
    auto a = pool.Acquire();
    auto b = pool.Acquire();
    EXPECT_NE(a->number, b->number);
  }
  {
    auto c = pool.Acquire();
    EXPECT_LE(c->number, 2);
  }
  EXPECT_EQ(opened, 2);
}

TEST(StoragePool, UnhealthyConnectionsAreDroppedOnRelease) {
  int opened = 0;
  Pool<FakeConnection> pool("fake", 1, [&] { return std::make_unique<FakeConnection>(++opened); });
  {
    auto a = pool.Acquire();
    a->healthy = false;
  }
  auto b = pool.Acquire();
  EXPECT_EQ(b->number, 2);
}

TEST(StoragePool, FailedOpenFreesItsSlotAndReconnectReplaces) {
  int opened = 0;
  bool fail = true;
  Pool<FakeConnection> pool("fake", 1, [&] {
    if (fail) throw core::UnavailableError("down");
    return std::make_unique<FakeConnection>(++opened);
  });
  EXPECT_THROW(pool.Acquire(), core::UnavailableError);
  fail = false;
  auto lease = pool.Acquire();  // the slot of the failed open is free again
  EXPECT_EQ(lease->number, 1);
  lease.Reconnect();
  EXPECT_EQ(lease->number, 2);
}

TEST(StoragePool, WaiterGetsAReleasedConnection) {
  int opened = 0;
  Pool<FakeConnection> pool("fake", 1, [&] { return std::make_unique<FakeConnection>(++opened); });
  std::optional<Pool<FakeConnection>::Lease> held(pool.Acquire());
  std::atomic<int> seen{0};
  std::thread waiter([&] { seen = pool.Acquire()->number; });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(seen, 0);
  held.reset();
  waiter.join();
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(opened, 1);
}

}  // namespace
}  // namespace ocean::storage
