// Photos and signatures made on the tablet: a camera photo is redrawn on a canvas at most
// 1600 px on its longer side and sent as JPEG (a 12-megapixel photo is 3-5 MB; this is
// a few hundred kB on a mobile network); a signature is drawn with a finger (or a mouse)
// on a canvas and sent as PNG.
(function () {
  "use strict";
  const MAX_SIDE = 1600;

  async function resizedPhoto(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob) throw new Error("photo");
    const base = (file.name || "photo").replace(/\.[^.]*$/, "") || "photo";
    return { blob, filename: `${base}.jpg`, width: canvas.width, height: canvas.height };
  }

  // A signature pad on ``canvas``: pointer strokes (finger, pen or mouse), ``clear()``,
  // ``isEmpty()`` and ``png()`` (a Blob).
  function signaturePad(canvas) {
    const context = canvas.getContext("2d");
    let drawing = false;
    let empty = true;

    function reset() {
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = 4;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#10243a";
      empty = true;
    }

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
    }

    canvas.style.touchAction = "none";
    canvas.addEventListener("pointerdown", (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.moveTo(...point(event));
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      context.lineTo(...point(event));
      context.stroke();
      empty = false;
    });
    const stop = () => { drawing = false; };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    reset();
    return {
      clear: reset,
      isEmpty: () => empty,
      png: () => new Promise((resolve) => canvas.toBlob(resolve, "image/png")),
    };
  }

  window.fieldMedia = { resizedPhoto, signaturePad, MAX_SIDE };
})();
