// The HTTP transport of the real binary facing hostile or merely ordinary clients, over raw
// sockets: bodies written whole before the answer is read, request smuggling shapes
// (RFC 9112 §6), error bodies and log lines as valid UTF-8 (RFC 8259 §8.1), and requests
// refused from their head before their body is buffered.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "harness.hpp"

namespace ocean::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace json = boost::json;

constexpr std::size_t kMiB = 1024 * 1024;
const std::string kIngest = "/api/observations/ingest/";
const std::string kAuthHeader = std::string("Authorization: Bearer ") + kApiKey + "\r\n";
const std::string kJsonHeader = "Content-Type: application/json\r\n";

struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;

  std::string Header(const std::string& name) const {
    std::istringstream lines(head);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.size() > name.size() && line[name.size()] == ':' &&
          strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
        auto value = line.substr(name.size() + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (!value.empty() && value.back() == '\r') value.pop_back();
        return value;
      }
    }
    return {};
  }
};

// A blocking client socket on loopback that writes and reads exactly what the test says.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 &&
        ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  // Writes everything, blocking as a client that does not read meanwhile would; false on a
  // reset or broken pipe.
  bool SendAll(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Writes `size` bytes of filler in pieces, like a client streaming a large body.
  bool SendFiller(std::size_t size, char byte = 'x') {
    const std::string piece(64 * 1024, byte);
    while (size > 0) {
      const std::size_t n = std::min(size, piece.size());
      if (!SendAll(std::string_view(piece).substr(0, n))) return false;
      size -= n;
    }
    return true;
  }

  // Half-closes, as a client does once its request is out: the server then sees the end at
  // once instead of waiting out its lingering close.
  void FinishSending() { ::shutdown(fd_, SHUT_WR); }

  // The next response, framed by Content-Length; nullopt on timeout or EOF first.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (FillOnce(deadline) != 1) return std::nullopt;
    }
    RawResponse response;
    response.head = buffer_.substr(0, head_end + 2);
    buffer_.erase(0, head_end + 4);
    response.status = std::stoi(response.head.substr(9, 3));
    const std::string length = response.Header("Content-Length");
    const std::size_t size = length.empty() ? 0 : std::stoul(length);
    while (buffer_.size() < size) {
      if (FillOnce(deadline) != 1) return std::nullopt;
    }
    response.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
    return response;
  }

  // Reads until the server closes; returns what came after the responses already read, or
  // nullopt if the connection was still open at the timeout.
  std::optional<std::string> ReadUntilClosed(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const int result = FillOnce(deadline);
      if (result == 0) return std::exchange(buffer_, {});
      if (result < 0) return std::nullopt;
    }
  }

 private:
  // 1: got bytes; 0: EOF or error; -1: timeout.
  int FillOnce(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return -1;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return 1;
  }

  int fd_ = -1;
  std::string buffer_;
};

// Boost.JSON rejects ill-formed UTF-8 unless told otherwise: a strict RFC 8259 decoder.
std::optional<json::value> ParseStrictly(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return std::nullopt;
  return value;
}

// Every error body is {"error":{"code","message","details"}} in valid UTF-8.
void ExpectErrorBody(const RawResponse& response, int status, const std::string& code) {
  EXPECT_EQ(response.status, status) << response.head << response.body;
  EXPECT_THAT(response.Header("Content-Type"), HasSubstr("application/json"));
  const auto body = ParseStrictly(response.body);
  ASSERT_TRUE(body) << "not strict UTF-8 JSON: " << response.body;
  EXPECT_EQ(body->at("error").at("code").as_string(), code) << response.body;
  EXPECT_TRUE(body->at("error").at("message").is_string());
  EXPECT_TRUE(body->at("error").at("details").is_array());
}

std::string PostHead(const std::string& target, std::size_t content_length,
                     const std::string& extra_headers = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers +
         "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

long StatusKiB(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  ADD_FAILURE() << field << " not in /proc/" << pid << "/status";
  return 0;
}

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(
        ServerOptions{{"--no-scheduler"},
                      {{"DATABASE_URL", "sqlite:" + dir_.path() + "/test.db"},
                       {"OCEAN_API_KEY", kApiKey},
                       {"OCEAN_LOCATIONS_FILE", SourceDir() + "/config/locations.json"}}});
  }

  RawConnection Connect() { return RawConnection(server_->port()); }

  TempDir dir_;
  std::unique_ptr<Server> server_;
};

// Item 4 of issue 12: Python's http.client, urllib and requests write the whole body before
// reading. The 413 must be there to read once they are done, not a broken pipe.
TEST_F(HttpTest, OverLimitBodyWrittenWholeBeforeReadingGets413) {
  const std::size_t body_size = 17 * kMiB;  // over the default limit of 16 MiB
  RawConnection client = Connect();
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.SendAll(PostHead(kIngest, body_size, kAuthHeader + kJsonHeader)));
  ASSERT_TRUE(client.SendFiller(body_size)) << "the server reset the connection mid-body";
  const auto response = client.Read();
  ASSERT_TRUE(response) << "no status after writing the body";
  ExpectErrorBody(*response, 413, "payload_too_large");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client.ReadUntilClosed());
}

// The same for a chunked body, whose size the head does not say: the limit trips mid-body.
TEST_F(HttpTest, OverLimitChunkedBodyWrittenWholeBeforeReadingGets413) {
  RawConnection client = Connect();
  ASSERT_TRUE(client.SendAll("POST " + kIngest + " HTTP/1.1\r\nHost: test\r\n" + kAuthHeader +
                             kJsonHeader + "Transfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "100000\r\n" + std::string(kMiB, '[') + "\r\n";
  for (int i = 0; i < 17; ++i) ASSERT_TRUE(client.SendAll(chunk)) << "reset after " << i << " MiB";
  ASSERT_TRUE(client.SendAll("0\r\n\r\n"));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  ExpectErrorBody(*response, 413, "payload_too_large");
}

// Item 5: a Transfer-Encoding that does not end in chunked (and the other framings RFC 9112
// §6.1 and §6.3 call invalid) gets 400 and a closed connection; the body, a request of its
// own, is never answered.
TEST_F(HttpTest, InvalidFramingGets400AndTheBodyIsNeverServed) {
  const std::string smuggled = "GET /api/health/ HTTP/1.1\r\nHost: test\r\n\r\n";
  const std::string length = std::to_string(smuggled.size());
  struct Shape {
    std::string name;
    std::string head;  // up to the blank line
    int status;
  };
  const std::string post =
      "POST " + kIngest + " HTTP/1.1\r\nHost: test\r\n" + kAuthHeader + kJsonHeader;
  const Shape shapes[] = {
      {"xchunked", post + "Transfer-Encoding: xchunked\r\n", 400},
      {"chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n", 400},
      {"identity", post + "Transfer-Encoding: identity\r\n", 400},
      {"two fields", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", 400},
      {"TE and CL", post + "Transfer-Encoding: identity\r\nContent-Length: " + length + "\r\n",
       400},
      {"CL and TE", post + "Content-Length: " + length + "\r\nTransfer-Encoding: chunked\r\n", 400},
      {"differing CLs", post + "Content-Length: 0\r\nContent-Length: " + length + "\r\n", 400},
      {"HTTP/1.0 with TE",
       "POST " + kIngest + " HTTP/1.0\r\nHost: test\r\n" + kAuthHeader + kJsonHeader +
           "Transfer-Encoding: chunked\r\n",
       400},
      {"GET with TE identity",
       "GET /api/health/ HTTP/1.1\r\nHost: test\r\n"
       "Transfer-Encoding: identity\r\n",
       400},
      {"unknown coding", post + "Transfer-Encoding: gzip, chunked\r\n", 501},
  };
  for (const auto& shape : shapes) {
    SCOPED_TRACE(shape.name);
    RawConnection client = Connect();
    ASSERT_TRUE(client.SendAll(shape.head + "\r\n" + smuggled));
    client.FinishSending();
    const auto response = client.Read();
    ASSERT_TRUE(response);
    ExpectErrorBody(*response, shape.status,
                    shape.status == 400 ? "bad_request" : "not_implemented");
    EXPECT_EQ(response->Header("Connection"), "close");
    const auto rest = client.ReadUntilClosed();
    ASSERT_TRUE(rest) << "the connection stayed open";
    EXPECT_EQ(*rest, "") << "something after the error was answered";
  }
  // The framings that stay: identical Content-Length values are one length (RFC 9112 §6.3).
  RawConnection client = Connect();
  ASSERT_TRUE(
      client.SendAll("GET /api/health/ HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n"
                     "Content-Length: 2\r\n\r\n{}"));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
}

// Item 5: error bodies and the access log are valid UTF-8 whatever bytes the client sent, and
// quoted client text is cut between characters.
TEST_F(HttpTest, ErrorBodiesAndAccessLogAreValidUtf8) {
  // 'a' and then é, two bytes each: a cut at 64 bytes would split the 32nd é.
  std::string long_id = "a";
  for (int i = 0; i < 40; ++i) long_id += "%C3%A9";
  const std::string targets[] = {
      "/api/locations/%FF%FE/",
      "/api/locations/" + long_id + "/",
      "/api/observations/?location=%FF%FE",
      "/api/observations/?location=" + long_id,
      "/api/observations/?%FF%FEname=1",
      "/api/observations/?parameter=%ED%A0%80&start=%C0%AF",
      "/api/nothing/%FF/",
      "/api/observations/series/?location=x%E6%85",
  };
  for (const auto& target : targets) {
    SCOPED_TRACE(target);
    RawConnection client = Connect();
    ASSERT_TRUE(client.SendAll("GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n"));
    const auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_GE(response->status, 400);
    const auto body = ParseStrictly(response->body);
    ASSERT_TRUE(body) << "not strict UTF-8 JSON: " << response->body;
    const auto& error = body->at("error");
    // A cut é would have come out as U+FFFD: every é quoted is whole. (The strict parse above
    // covered details[].field and details[].message.)
    std::string message(error.at("message").as_string());
    for (const auto& detail : error.at("details").as_array()) {
      message += " | " + std::string(detail.at("message").as_string());
    }
    if (target.find(long_id) != std::string::npos) {
      EXPECT_THAT(message, HasSubstr("éééé")) << message;
      EXPECT_THAT(message, ::testing::Not(HasSubstr("\xEF\xBF\xBD"))) << message;
    }
  }
  // The bytes the issue names come back as replacement characters.
  RawConnection client = Connect();
  ASSERT_TRUE(client.SendAll("GET /api/locations/%FF%FE/ HTTP/1.1\r\nHost: test\r\n\r\n"));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  ExpectErrorBody(*response, 404, "not_found");
  EXPECT_EQ(ParseStrictly(response->body)->at("error").at("message").as_string(),
            "no location \"\xEF\xBF\xBD\xEF\xBF\xBD\"");

  ASSERT_EQ(server_->Terminate(), 0);
  int logged = 0;
  for (const auto& line : server_->StdoutLines()) {
    if (line.find("\"request_id\"") == std::string::npos) continue;
    ++logged;
    EXPECT_TRUE(ParseStrictly(line)) << "access log line is not strict UTF-8 JSON: " << line;
  }
  EXPECT_GE(logged, 9);
}

// Item 5: refused requests are answered from their head: no 100 Continue, and the client that
// writes its body anyway still reads the answer.
TEST_F(HttpTest, RefusalsComeFromTheHeadWithoutContinue) {
  struct Case {
    std::string name;
    std::string head;
    int status;
    std::string code;
  };
  const std::string expect = "Expect: 100-continue\r\n";
  const Case cases[] = {
      {"no key", PostHead(kIngest, kMiB, kJsonHeader + expect), 401, "unauthorized"},
      {"wrong key",
       PostHead(kIngest, kMiB,
                "Authorization: Bearer wrong-key-0123456789\r\n" + kJsonHeader + expect),
       401, "unauthorized"},
      {"media type", PostHead(kIngest, kMiB, kAuthHeader + "Content-Type: text/csv\r\n" + expect),
       415, "unsupported_media_type"},
      {"no route", PostHead("/api/nothing/", kMiB, kAuthHeader + kJsonHeader + expect), 404,
       "not_found"},
      {"method", PostHead("/api/locations/", kMiB, kAuthHeader + kJsonHeader + expect), 405,
       "method_not_allowed"},
      {"too large", PostHead(kIngest, 17 * kMiB, kAuthHeader + kJsonHeader + expect), 413,
       "payload_too_large"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    {
      // Waits for the go-ahead as curl does: the answer comes instead, at once.
      RawConnection client = Connect();
      ASSERT_TRUE(client.SendAll(c.head));
      const auto response = client.Read(2s);
      ASSERT_TRUE(response);
      ExpectErrorBody(*response, c.status, c.code);
      client.FinishSending();  // gives up on sending the body
      EXPECT_TRUE(client.ReadUntilClosed());
    }
    {
      // Ignores Expect and writes the whole body first.
      RawConnection client = Connect();
      const std::size_t size = c.status == 413 ? 17 * kMiB : kMiB;
      ASSERT_TRUE(client.SendAll(c.head));
      ASSERT_TRUE(client.SendFiller(size));
      const auto response = client.Read();
      ASSERT_TRUE(response);
      ExpectErrorBody(*response, c.status, c.code);
    }
  }
  // An accepted request gets its 100 Continue and then its answer.
  RawConnection client = Connect();
  const std::string body = "[]";
  ASSERT_TRUE(client.SendAll(PostHead(kIngest, body.size(), kAuthHeader + kJsonHeader + expect)));
  const auto interim = client.Read(2s);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.SendAll(body));
  const auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
}

// Item 5: several clients posting big unauthenticated bodies at once leave the server's
// memory where it was, since no refused body is buffered.
TEST_F(HttpTest, RefusedBodiesAreNotBufferedMemoryStaysFlat) {
  const pid_t pid = server_->pid();
  // Warm up: the first requests allocate the server's pools and caches.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Fetch("GET", server_->Url("/api/locations/")).status, 200);
  }
  // Writing 5 to clear_refs resets the peak to the current RSS (Linux 4.0); without it the
  // start-up peak stands, which only makes the check below looser.
  std::ofstream(std::string("/proc/") + std::to_string(pid) + "/clear_refs") << "5";
  const long rss_before = StatusKiB(pid, "VmRSS");
  const long peak_before = StatusKiB(pid, "VmHWM");
  constexpr int kClients = 4;
  const std::size_t body_size = 15 * kMiB;
  std::vector<std::thread> clients;
  std::vector<int> statuses(kClients, 0);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      RawConnection client = Connect();
      if (!client.SendAll(PostHead(kIngest, body_size, kJsonHeader))) return;
      if (!client.SendFiller(body_size, '[')) return;
      if (const auto response = client.Read()) statuses[i] = response->status;
    });
  }
  for (auto& client : clients) client.join();
  for (int i = 0; i < kClients; ++i) EXPECT_EQ(statuses[i], 401) << "client " << i;
  const long peak = StatusKiB(pid, "VmHWM");
  // Before the fix each body was read whole first: four clients added some 60 MB.
  EXPECT_LT(peak - std::max(rss_before, peak_before), 8 * 1024)
      << "VmRSS before " << rss_before << " KiB, VmHWM before " << peak_before
      << " KiB, VmHWM after " << peak << " KiB";
}

}  // namespace
}  // namespace ocean::testing
