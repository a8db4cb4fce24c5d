// The tablet's own storage (IndexedDB "vigie-field"): the queue of actions waiting to be
// sent (in the order the agent did them), the positions waiting to be sent, the actions
// the server refused ("to review"). The day itself is kept by the service worker.
(function () {
  "use strict";
  const NAME = "vigie-field";
  let opened = null;

  function open() {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        // Actions keep their insertion order by an auto-increment key; the UUID is inside.
        db.createObjectStore("actions", { keyPath: "seq", autoIncrement: true });
        db.createObjectStore("positions", { keyPath: "id" });
        db.createObjectStore("review", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  function asPromise(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function all(store) {
    const db = await open();
    return asPromise(db.transaction(store).objectStore(store).getAll());
  }

  async function get(store, key) {
    const db = await open();
    return asPromise(db.transaction(store).objectStore(store).get(key));
  }

  async function put(store, value) {
    const db = await open();
    const tx = db.transaction(store, "readwrite");
    const key = asPromise(tx.objectStore(store).put(value));
    await done(tx);
    return key;
  }

  async function remove(store, keys) {
    const db = await open();
    const tx = db.transaction(store, "readwrite");
    for (const key of [].concat(keys)) tx.objectStore(store).delete(key);
    return done(tx);
  }

  // Moves a finished action out of the queue, into "to review" if it was refused, at once.
  async function finish(action, review) {
    const db = await open();
    const tx = db.transaction(["actions", "review"], "readwrite");
    if (review) tx.objectStore("review").put(review);
    tx.objectStore("actions").delete(action.seq);
    return done(tx);
  }

  window.fieldStore = { open, all, get, put, remove, finish };
})();
