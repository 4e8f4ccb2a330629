// Loaded with `node -r` before the emulator: stamps every email it stores with the millisecond it
// arrived (`atMillis`), because the emulator's own `at` has whole seconds only and the rate tests
// need sliding 1-second windows. Nothing else about the emulator changes.
const path = require('path');
const store = require(path.join(__dirname, 'node_modules/aws-ses-v2-local/dist/store.js'));
const save = store.saveEmail;
store.saveEmail = (email) => save({ ...email, atMillis: Date.now() });
