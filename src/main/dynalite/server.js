'use strict'
// Mailroom's embedded DynamoDB: dynalite on 127.0.0.1 and a port the system picks, in memory or
// under --path DIR, with TransactWriteItems added. Prints one line, "listening on 127.0.0.1:PORT",
// when it takes requests. Stops when its standard input closes (the node that started it ended,
// however it ended), on SIGTERM or on SIGINT.
//
//   node server.js [--path DIR] [--port PORT]

const major = Number(process.versions.node.split('.')[0])
if (major < 20) {
  process.stderr.write('Node.js 20 or newer is needed for the embedded DynamoDB; this is ' + process.version + '\n')
  process.exit(3)
}

const crc32 = require('buffer-crc32')
const dynaliteDb = require('dynalite/db')
const dynalite = require('dynalite')
const transactions = require('./transact-write-items')

const TARGET = 'DynamoDB_20120810.TransactWriteItems'
const MAX_REQUEST_BYTES = 16 * 1024 * 1024

function option (name) {
  const i = process.argv.indexOf(name)
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined
}

// dynalite keeps its store to itself: take it as it is made, for the transactions
let store
const create = dynaliteDb.create
dynaliteDb.create = function (options) {
  store = create(options)
  transactions.reentrantLocks(store)
  return store
}

// tables become ACTIVE after a short CREATING state, as in DynamoDB, without dynalite's 500 ms
const server = dynalite({ path: option('--path'), createTableMs: 20, deleteTableMs: 20, updateTableMs: 20 })

function send (res, status, body) {
  const json = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('x-amz-crc32', crc32.unsigned(json))
  res.setHeader('Content-Type', 'application/x-amz-json-1.0')
  res.setHeader('Content-Length', Buffer.byteLength(json, 'utf8'))
  res.end(json)
}

const handlers = server.listeners('request')
server.removeAllListeners('request')
// a client that goes away mid-request (a node killed while it sent) aborts only its request:
// dynalite throws on it, which would end the process for every other node
function abandon (req, res) {
  req.removeAllListeners('error')
  req.on('error', function () { res.destroy() })
}

server.on('request', function (req, res) {
  if (req.method !== 'POST' || req.headers['x-amz-target'] !== TARGET) {
    handlers.forEach(function (h) { h.call(server, req, res) })
    return abandon(req, res)
  }
  abandon(req, res)
  const chunks = []
  let size = 0
  req.on('data', function (chunk) {
    size += chunk.length
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk)
  })
  req.on('end', function () {
    if (size > MAX_REQUEST_BYTES) {
      res.statusCode = 413
      return res.end()
    }
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, { __type: 'com.amazon.coral.service#SerializationException' })
    }
    transactions.transactWriteItems(store, body, function (err, response) {
      if (err && err.statusCode) return send(res, err.statusCode, err.body)
      if (err) {
        process.stderr.write('TransactWriteItems failed: ' + (err.stack || err) + '\n')
        return send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(err.message) })
      }
      send(res, 200, response)
    })
  })
})

let stopping = false
function stop () {
  if (stopping) return
  stopping = true
  setTimeout(function () { process.exit(0) }, 3000).unref()
  server.close(function () { process.exit(0) })
  server.closeAllConnections()
}

server.listen(Number(option('--port') || 0), '127.0.0.1', function () {
  process.stdout.write('listening on 127.0.0.1:' + server.address().port + '\n')
})
server.on('error', function (err) {
  process.stderr.write('the embedded DynamoDB cannot listen: ' + err.message + '\n')
  process.exit(4)
})
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
