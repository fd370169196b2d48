// A connection in the shape of Beast's async server examples, plus what a server facing
// arbitrary clients needs: the framing checks of RFC 9112 §6, refusing a request from its
// header before its body is read, and a lingering close so a client still writing a refused
// body reads the answer instead of a reset.
#include "http/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cstdint>

#include "http/errors.hpp"
#include "http/framing.hpp"
#include "http/header_names.hpp"
#include "http/request_id.hpp"
#include "http/url.hpp"

namespace ocean::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kReadChunkBytes = 4096;

// Lingering close, after an answer sent before the request was read to its end (as nginx's
// lingering_close does): a client that writes its whole body before reading (Python's
// http.client, urllib, requests) must find our answer, not a reset, once it is done. So the
// rest is read and thrown away until the client closes, for at most kLingerTime in all,
// kLingerIdle without a byte, and kLingerBodyLimits times the body limit (at least
// kLingerMinBytes), whichever ends first.
constexpr std::chrono::seconds kLingerTime{30};
constexpr std::chrono::seconds kLingerIdle{5};
constexpr std::uint64_t kLingerBodyLimits = 4;
constexpr std::uint64_t kLingerMinBytes = 1024 * 1024;
constexpr std::size_t kDrainChunkBytes = 64 * 1024;

bool IsHttpProtocolError(beast::error_code ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream;
}

// The Host header is echoed into absolute links, so only host[:port] characters are trusted.
bool IsSaneHost(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
}

Response InternalError(const std::string& request_id) {
  return ErrorResponse(core::ApiError(core::ErrorCode::kInternal,
                                      "internal server error (request id " + request_id + ")"));
}

// `call()`, or the error response for what it threw: an ApiError as itself, anything else as a
// logged 500. The hooks run on the io loop or the worker pool, where nothing may escape.
template <typename Result, typename Call>
Result AnswerOrError(std::string_view hook, const std::string& request_id, const Call& call) {
  try {
    return call();
  } catch (const core::ApiError& error) {
    return ErrorResponse(error);
  } catch (const std::exception& error) {
    spdlog::error("request {}: {} threw: {}", request_id, hook, error.what());
  } catch (...) {
    spdlog::error("request {}: {} threw a non-standard exception", request_id, hook);
  }
  return InternalError(request_id);
}

// What CheckRequestFraming needs from the parsed header.
std::optional<core::ApiError> CheckFraming(const bhttp::request_header<>& header) {
  std::string transfer_encoding;
  bool has_transfer_encoding = false;
  for (const auto& field : header) {
    if (field.name() != bhttp::field::transfer_encoding) continue;
    if (has_transfer_encoding) transfer_encoding += ',';
    has_transfer_encoding = true;
    transfer_encoding.append(field.value().data(), field.value().size());
  }
  return CheckRequestFraming(RequestFraming{
      .version = header.version(),
      .has_transfer_encoding = has_transfer_encoding,
      .transfer_encoding = transfer_encoding,
      .has_content_length = header.count(bhttp::field::content_length) > 0,
  });
}

}  // namespace

void Fail(beast::error_code ec, std::string_view what) {
  // Cancellation and an orderly close by the peer are how connections normally end.
  if (ec == asio::error::operation_aborted || ec == bhttp::error::end_of_stream ||
      ec == asio::error::eof) {
    return;
  }
  // Clients vanish and stall all the time; that is not worth a warning.
  if (ec == beast::error::timeout || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == bhttp::error::partial_message) {
    spdlog::debug("{}: {}", what, ec.message());
    return;
  }
  spdlog::warn("{}: {}", what, ec.message());
}

ServerState::ServerState(ServerOptions options_in, ServerHandler handler_in,
                         ServerAdmission admission_in)
    : options(std::move(options_in)),
      handler(std::move(handler_in)),
      admission(std::move(admission_in)),
      cors(options.cors_allowed_origins),
      clock(options.clock != nullptr ? *options.clock : system_clock),
      access_log(stdout),
      workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {}

void ServerState::AddSession(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mutex);
  sessions.emplace(session.get(), session);
}

void ServerState::RemoveSession(Session* session) {
  std::function<void()> notify;
  {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(session);
    if (draining && sessions.empty()) notify = on_drained;
  }
  if (notify) notify();
}

std::vector<std::shared_ptr<Session>> ServerState::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(sessions_mutex);
  for (auto& [_, weak] : sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

Session::Session(tcp::socket&& socket, ServerState& state)
    : stream_(std::move(socket)), state_(state) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = remote.address().to_string() + ":" + std::to_string(remote.port());
  const auto local = stream_.socket().local_endpoint(ec);
  if (!ec) local_ = local.address().to_string() + ":" + std::to_string(local.port());
}

Session::~Session() { state_.RemoveSession(this); }

void Session::Start() {
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&Session::AwaitRequest, shared_from_this()));
}

void Session::Shutdown() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->phase_ == Phase::kIdle) self->CloseNow();
  });
}

// Waits for the first byte of the next request separately from reading it, so that an idle
// keep-alive connection gets idle_timeout while a started request gets read_timeout.
void Session::AwaitRequest() {
  if (closing_) return CloseNow();
  phase_ = Phase::kIdle;
  if (buffer_.size() > 0) return ReadRequest();
  stream_.expires_after(requests_served_ == 0 ? state_.options.read_timeout
                                              : state_.options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                          beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(beast::error_code ec, std::size_t bytes) {
  if (ec) {
    Fail(ec, "read");
    return CloseNow();
  }
  buffer_.commit(bytes);
  ReadRequest();
}

void Session::ReadRequest() {
  phase_ = Phase::kReading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(state_.options.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(state_.options.max_body_bytes);
  stream_.expires_after(state_.options.read_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

// Protocol sequence once the header is in (a Content-Length over the limit already failed the
// read): check the framing, take the request's head apart, answer what the head alone
// decides, and only then read the body.
void Session::OnReadHeader(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return OnReadError(ec);
  const auto& header = parser_->get();
  // 1. RFC 9112 §6: a body whose length is in doubt is never read as the next request.
  if (auto error = CheckFraming(header)) return RejectMalformed(*error);

  // 2. The request's head, as the handlers will see it.
  request_ = Request{};
  request_.method = ParseMethod(header.method_string());
  request_.target = std::string(header.target());
  request_.headers.reserve(static_cast<std::size_t>(std::distance(header.begin(), header.end())));
  for (const auto& field : header) {
    request_.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  request_.request_id = ChooseRequestId(request_.HeaderValue(kHeaderRequestId));
  const std::string_view host = request_.HeaderValue(kHeaderHost);
  request_.scheme_host = "http://" + (IsSaneHost(host) ? std::string(host) : local_);

  keep_alive_ = header.keep_alive();
  version_ = header.version();
  exchange_ = Exchange{};
  exchange_.request_id = request_.request_id;
  exchange_.method = request_.method;
  exchange_.method_text = std::string(header.method_string());
  exchange_.origin = std::string(request_.HeaderValue(kHeaderOrigin));
  exchange_.started = Clock::now();
  const auto question = request_.target.find('?');
  exchange_.path = request_.target.substr(0, question);
  if (question != std::string::npos) exchange_.query = request_.target.substr(question + 1);

  auto decoded = DecodeTarget(request_.target);
  if (!decoded) {
    return Refuse(ErrorResponse(core::ApiError(
        core::ErrorCode::kBadRequest, "invalid request target (bad percent-encoding or NUL)")));
  }
  request_.path = std::move(decoded->path);
  request_.query = std::move(decoded->query);
  exchange_.path = request_.path;

  if (auto preflight = state_.cors.Preflight(request_)) return Refuse(std::move(*preflight));
  if (parser_->is_done()) return HandleRequest();

  // 3. Route, authorisation and media type come from the head: a request that will be refused
  // is answered now, and its body is never buffered.
  if (auto refusal = AdmitBody()) return Refuse(std::move(*refusal));

  // 4. curl and others send "Expect: 100-continue" before larger bodies and wait (curl: 1 s)
  // for a go-ahead, which only a request we will accept gets; Beast leaves sending it to us.
  if (!beast::iequals(header[bhttp::field::expect], "100-continue")) return ReadBody();
  auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                      header.version());
  bhttp::async_write(stream_, *interim,
                     [self = shared_from_this(), interim](beast::error_code write_ec, std::size_t) {
                       if (write_ec) {
                         Fail(write_ec, "write 100-continue");
                         return self->CloseNow();
                       }
                       self->ReadBody();
                     });
}

// Runs the admission hook on the network thread.
std::optional<Response> Session::AdmitBody() {
  if (!state_.admission) return std::nullopt;
  return AnswerOrError<std::optional<Response>>("admission", request_.request_id,
                                                [&] { return state_.admission(request_); });
}

void Session::ReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::OnReadBody, shared_from_this()));
}

void Session::OnReadBody(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return OnReadError(ec);
  request_.body = std::move(parser_->get().body());
  HandleRequest();
}

void Session::OnReadError(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return RejectMalformed(core::ApiError(
        core::ErrorCode::kPayloadTooLarge,
        "request body exceeds " + std::to_string(state_.options.max_body_bytes) + " bytes"));
  }
  if (ec == bhttp::error::header_limit) {
    return RejectMalformed(
        core::ApiError(core::ErrorCode::kBadRequest, "request header too large"));
  }
  if (IsHttpProtocolError(ec)) {
    return RejectMalformed(
        core::ApiError(core::ErrorCode::kBadRequest, "malformed HTTP request: " + ec.message()));
  }
  Fail(ec, "read");
  CloseNow();
}

// The parser stopped mid-message, so the stream position is unknown: answer and close.
void Session::RejectMalformed(const core::ApiError& error) {
  exchange_ = Exchange{};
  exchange_.request_id = GenerateRequestId();
  exchange_.started = Clock::now();
  // The start line is kept as soon as it is parsed, even when a later field failed (a
  // Content-Length over the limit), so the access log can name the request.
  if (parser_) {
    const auto& header = parser_->get();
    exchange_.method = ParseMethod(header.method_string());
    exchange_.method_text = std::string(header.method_string());
    exchange_.path = std::string(header.target().substr(0, header.target().find('?')));
    exchange_.origin = std::string(header[kHeaderOrigin]);
  }
  keep_alive_ = false;
  linger_ = true;
  version_ = 11;
  Write(ErrorResponse(error));
}

// Answers from the head alone. With a body still unread the connection cannot carry another
// request, so it closes, lingering so the client can finish writing and read the answer.
void Session::Refuse(Response response) {
  if (!parser_->is_done()) {
    keep_alive_ = false;
    linger_ = true;
  }
  Write(std::move(response));
}

void Session::HandleRequest() {
  phase_ = Phase::kHandling;
  asio::post(state_.workers, [self = shared_from_this(), request = std::move(request_)]() mutable {
    Response response = self->Invoke(request);
    asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->Write(std::move(response));
    });
  });
}

// Runs on a worker thread.
Response Session::Invoke(Request& request) {
  return AnswerOrError<Response>("handler", request.request_id,
                                 [&] { return state_.handler(request); });
}

template <class Body>
void Session::SetCommonHeaders(bhttp::response<Body>& message, const Response& response) {
  message.set(bhttp::field::server, kServerName);
  message.set(kHeaderRequestId, exchange_.request_id);
  if (!response.content_type.empty()) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  for (const auto& header : state_.cors.ResponseHeaders(exchange_.origin)) {
    message.insert(header.name, header.value);
  }
  for (const auto& header : response.headers) message.insert(header.name, header.value);
  message.keep_alive(keep_alive_ && !closing_);
}

void Session::Write(Response response) {
  phase_ = Phase::kWriting;
  const bool head = exchange_.method == Method::kHead;
  std::optional<bhttp::message_generator> generator;
  std::uint64_t body_bytes = 0;

  if (!response.file_path.empty()) {
    bhttp::file_body::value_type file;
    beast::error_code ec;
    file.open(response.file_path.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      spdlog::warn("request {}: cannot open {}: {}", exchange_.request_id, response.file_path,
                   ec.message());
      response = ErrorResponse(core::ApiError(core::ErrorCode::kNotFound, "file not found"));
    } else if (!head) {
      bhttp::response<bhttp::file_body> message{static_cast<bhttp::status>(response.status),
                                                version_, std::move(file)};
      SetCommonHeaders(message, response);
      message.prepare_payload();
      body_bytes = message.body().size();
      generator.emplace(std::move(message));
    } else {
      bhttp::response<bhttp::empty_body> message{static_cast<bhttp::status>(response.status),
                                                 version_};
      SetCommonHeaders(message, response);
      message.content_length(file.size());
      generator.emplace(std::move(message));
    }
  }
  if (!generator) {
    const bool bodiless = response.status == 204 || response.status == 304;
    bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status),
                                                version_};
    SetCommonHeaders(message, response);
    if (bodiless) {
      // No Content-Length: RFC 9110 forbids it on 204, and on 304 it would describe the
      // representation, which we do not know here.
    } else if (head) {
      message.content_length(response.body.size());
    } else {
      body_bytes = response.body.size();
      message.body() = std::move(response.body);
      message.prepare_payload();
    }
    generator.emplace(std::move(message));
  }

  const int status = response.status;
  const bool keep_alive = generator->keep_alive();
  stream_.expires_after(state_.options.write_timeout);
  beast::async_write(stream_, std::move(*generator),
                     [self = shared_from_this(), status, keep_alive, body_bytes](
                         beast::error_code ec, std::size_t /*bytes*/) {
                       self->OnWrite(ec, status, keep_alive, body_bytes);
                     });
}

void Session::OnWrite(beast::error_code ec, int status, bool keep_alive, std::uint64_t body_bytes) {
  LogAccess(status, ec ? 0 : body_bytes);
  ++requests_served_;
  if (ec) {
    Fail(ec, "write");
    return CloseNow();
  }
  if (!keep_alive || closing_) return CloseGracefully();
  AwaitRequest();
}

void Session::LogAccess(int status, std::uint64_t body_bytes) {
  if (!state_.options.access_log) return;
  const auto elapsed = Clock::now() - exchange_.started;
  state_.access_log.Write(AccessLogEntry{
      .time_ms = state_.clock.Now(),
      .request_id = exchange_.request_id,
      .method = exchange_.method_text,
      .path = exchange_.path,
      .query = exchange_.query,
      .status = status,
      .duration_ms = std::chrono::duration<double, std::milli>(elapsed).count(),
      .bytes = body_bytes,
      .remote = remote_,
  });
}

// Half-close so the client reads everything we sent. After an answer sent before the request
// was read to its end, the rest may still be arriving: closing now would make the kernel
// answer it with RST, and a client still writing would lose our response.
void Session::CloseGracefully() {
  phase_ = Phase::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (!linger_) return;
  linger_deadline_ = Clock::now() + kLingerTime;
  drained_bytes_ = buffer_.size();  // pipelined bytes after the request: never answered
  buffer_.clear();
  buffer_.shrink_to_fit();
  Drain();
}

void Session::Drain() {
  const std::uint64_t limit = std::max<std::uint64_t>(
      kLingerMinBytes,
      kLingerBodyLimits * static_cast<std::uint64_t>(state_.options.max_body_bytes));
  const auto left = linger_deadline_ - Clock::now();
  if (drained_bytes_ >= limit || left <= Clock::duration::zero()) return CloseNow();
  stream_.expires_after(std::min<Clock::duration>(kLingerIdle, left));
  // Never committed, so the buffer holds at most one chunk however much is discarded.
  stream_.async_read_some(buffer_.prepare(kDrainChunkBytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->drained_bytes_ += bytes;
                            if (ec) return self->CloseNow();
                            self->Drain();
                          });
}

void Session::CloseNow() {
  phase_ = Phase::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace ocean::http
