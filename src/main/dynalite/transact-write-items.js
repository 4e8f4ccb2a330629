'use strict'
// TransactWriteItems for dynalite, which has no transactions: all or nothing over up to 100 Put,
// Update, Delete and ConditionCheck items, as Amazon DynamoDB does it.
//
// Each item is validated as the single-item call it stands for, then the items' locks are taken
// (in one order, so two transactions never wait on each other), every condition is checked, and
// only when all hold are the writes made, under those same locks, by dynalite's own PutItem,
// UpdateItem and DeleteItem. Those take the item's lock again: while a transaction holds a key,
// its own writes pass (the transaction is carried with AsyncLocalStorage), everyone else waits.
// A failed condition cancels the whole transaction with TransactionCanceledException and one
// cancellation reason per item, in order, which is what the AWS SDKs parse.

const { AsyncLocalStorage } = require('node:async_hooks')
const validations = require('dynalite/validations')
const db = require('dynalite/db')

const OPERATIONS = {
  Put: { action: require('dynalite/actions/putItem'), validation: require('dynalite/validations/putItem') },
  Update: { action: require('dynalite/actions/updateItem'), validation: require('dynalite/validations/updateItem') },
  Delete: { action: require('dynalite/actions/deleteItem'), validation: require('dynalite/validations/deleteItem') },
  // a condition on an item, no write: validated as a DeleteItem with a condition
  ConditionCheck: { action: null, validation: require('dynalite/validations/deleteItem') },
}
const MAX_ITEMS = 100
const CONDITIONAL_FAILED = 'The conditional request failed'

const current = new AsyncLocalStorage()

/** Makes every item table's lock pass for the transaction that holds the key. */
function reentrantLocks (store) {
  const getItemDb = store.getItemDb
  store.getItemDb = function (name) {
    const itemDb = getItemDb(name)
    if (!itemDb.transactional) {
      const lock = itemDb.lock
      const wrapped = function (key, exec) {
        const txn = current.getStore()
        if (txn && txn.active && txn.holds(itemDb, key)) return exec(function (done) { return done })
        return lock(key, exec)
      }
      wrapped.isLocked = lock.isLocked
      itemDb.lock = wrapped
      itemDb.transactional = true
    }
    return itemDb
  }
}

/** The single-item request an entry of TransactItems stands for, validated by dynalite. */
function request (entry, index, store) {
  const kinds = Object.keys(entry || {}).filter(function (k) { return entry[k] != null })
  if (kinds.length !== 1 || !OPERATIONS[kinds[0]]) {
    throw db.validationError('TransactItems[' + index + '] must hold exactly one of Put, Update, Delete, ConditionCheck')
  }
  const kind = kinds[0]
  const operation = OPERATIONS[kind]
  const data = Object.assign({}, entry[kind])
  delete data.ReturnValuesOnConditionCheckFailure
  if (kind === 'ConditionCheck' && !data.ConditionExpression) {
    throw db.validationError('TransactItems[' + index + '].ConditionCheck needs a ConditionExpression')
  }
  const typed = validations.checkTypes(data, operation.validation.types)
  validations.checkValidations(typed, operation.validation.types, operation.validation.custom, store)
  return { kind: kind, operation: operation, data: typed }
}

function getTable (store, name) {
  return new Promise(function (resolve, reject) {
    store.getTable(name, function (err, table) { err ? reject(err) : resolve(table) })
  })
}

/** Takes each target's lock in turn; a key counts as held by the transaction once its lock is taken. */
function lockAll (txn, targets) {
  return targets.reduce(function (held, target) {
    return held.then(function (releases) {
      return new Promise(function (resolve) {
        target.itemDb.lock(target.key, function (release) {
          txn.acquired.push(target)
          releases.push(release(function () { }))
          resolve(releases)
        })
      })
    })
  }, Promise.resolve([]))
}

function existing (target) {
  return new Promise(function (resolve, reject) {
    target.itemDb.get(target.key, function (err, item) {
      if (err && err.name !== 'NotFoundError') return reject(err)
      resolve(err ? undefined : item)
    })
  })
}

function write (store, target) {
  return new Promise(function (resolve, reject) {
    const data = Object.assign({}, target.request.data)
    delete data._condition
    delete data.ConditionExpression
    delete data.Expected
    target.request.operation.action(store, data, function (err) { err ? reject(err) : resolve() })
  })
}

function restore (store, target, before) {
  const table = target.request.data.TableName
  return new Promise(function (resolve, reject) {
    const done = function (err) { err ? reject(err) : resolve() }
    if (before) OPERATIONS.Put.action(store, { TableName: table, Item: before }, done)
    else OPERATIONS.Delete.action(store, { TableName: table, Key: keyOf(target) }, done)
  })
}

function keyOf (target) {
  const item = target.request.kind === 'Put' ? target.request.data.Item : target.request.data.Key
  const key = {}
  target.table.KeySchema.forEach(function (k) { key[k.AttributeName] = item[k.AttributeName] })
  return key
}

function canceled (reasons) {
  const err = new Error('Transaction cancelled')
  err.statusCode = 400
  err.body = {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [' +
      reasons.map(function (r) { return r.Code }).join(', ') + ']',
    CancellationReasons: reasons,
  }
  return err
}

/** Runs one TransactWriteItems request; calls back with (err) or (null, response). */
function transactWriteItems (store, body, cb) {
  let requests
  try {
    const items = body && body.TransactItems
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
      throw db.validationError('1 validation error detected: Value at \'transactItems\' failed to satisfy constraint: ' +
        'Member must have length less than or equal to ' + MAX_ITEMS + ' and at least 1')
    }
    requests = items.map(function (entry, i) { return request(entry, i, store) })
  } catch (err) {
    return cb(err)
  }

  Promise.all(requests.map(function (r) { return getTable(store, r.data.TableName) })).then(function (tables) {
    const targets = requests.map(function (r, i) {
      const keyItem = r.kind === 'Put' ? r.data.Item : r.data.Key
      const invalid = r.kind === 'Put' ? db.validateItem(keyItem, tables[i]) : db.validateKey(keyItem, tables[i])
      if (invalid) throw invalid
      return { request: r, table: tables[i], itemDb: store.getItemDb(r.data.TableName),
        name: r.data.TableName, key: db.createKey(keyItem, tables[i]) }
    })
    const seen = new Set()
    targets.forEach(function (t) {
      const id = t.name + '\u0000' + t.key
      if (seen.has(id)) throw db.validationError('Transaction request cannot include multiple operations on one item')
      seen.add(id)
    })
    const ordered = targets.slice().sort(function (a, b) {
      return a.name < b.name ? -1 : a.name > b.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0
    })
    const txn = {
      active: true,
      acquired: [],
      holds: function (itemDb, key) {
        return this.acquired.some(function (t) { return t.itemDb === itemDb && t.key === key })
      },
    }
    return current.run(txn, function () {
      return lockAll(txn, ordered).then(function (releases) {
        const finish = function () {
          txn.active = false
          releases.forEach(function (release) { release() })
        }
        return Promise.all(targets.map(existing)).then(function (items) {
          const reasons = targets.map(function (t, i) {
            return db.checkConditional(t.request.data, items[i])
              ? { Code: 'ConditionalCheckFailed', Message: CONDITIONAL_FAILED }
              : { Code: 'None' }
          })
          if (reasons.some(function (r) { return r.Code !== 'None' })) throw canceled(reasons)
          const writes = targets.map(function (t, i) { return { target: t, before: items[i] } })
            .filter(function (w) { return w.target.request.operation.action })
          const written = []
          return writes.reduce(function (done, w) {
            return done.then(function () { return write(store, w.target) }).then(function () { written.push(w) })
          }, Promise.resolve()).catch(function (err) {
            // a write refused after every condition held (an update on the wrong type, an item too
            // large): what was written goes back to how it was, still under the locks
            return written.reverse().reduce(function (done, w) {
              return done.then(function () { return restore(store, w.target, w.before) })
            }, Promise.resolve()).then(function () { throw err })
          })
        }).then(function () {
          finish()
          return {}
        }, function (err) {
          finish()
          throw err
        })
      })
    })
  }).then(function (response) { cb(null, response) }, cb)
}

module.exports = { transactWriteItems: transactWriteItems, reentrantLocks: reentrantLocks }
