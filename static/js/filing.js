// The citizen's filing form, improved when JavaScript runs (everything also works without):
// - the error summary takes the focus, so a screen reader reads every problem at once;
// - the draft saves itself a few seconds after a change and when a field is left
//   ("Đã lưu lúc 10:42" in a live region);
// - each chosen file is uploaded at once with a progress bar, then shown with its size and
//   a remove button;
// - the postal address appears only when postal delivery is chosen, and the commune list
//   shows only the chosen province's communes.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  var form = document.querySelector("form[data-filing]");
  if (!form) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var autosaveUrl = form.getAttribute("data-autosave-url");
  var uploadUrl = form.getAttribute("data-upload-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var DELAY_MS = 4000;
  var timer = null;
  var dirty = false;
  var saving = false;
  var submitting = false;
  var pendingSubmit = false;
  var pendingSubmitter = null;

  function say(text) { if (status) { status.textContent = text; } }

  function formDataWithoutFiles() {
    var data = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      data.delete(input.name);
    });
    return data;
  }

  function save() {
    timer = null;
    if (!dirty || saving || submitting || !autosaveUrl) { return; }
    dirty = false;
    saving = true;
    say("Đang lưu…");
    fetch(autosaveUrl, {
      method: "POST", body: formDataWithoutFiles(), credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      if (!result.saved_at) {
        say("Chọn cơ quan tiếp nhận để bản nháp được lưu tự động.");
        return;
      }
      say("Đã lưu lúc " + result.saved_at);
      if (result.edit_url && form.getAttribute("action") !== result.edit_url) {
        // The first save created the draft: later posts go to it, and so does reloading.
        form.setAttribute("action", result.edit_url);
        autosaveUrl = result.autosave_url;
        uploadUrl = result.upload_url;
        form.setAttribute("data-upload-url", uploadUrl);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", result.edit_url);
        }
      }
    }).catch(function () {
      dirty = true;
      say("Chưa lưu được tự động. Bấm “Lưu nháp” để lưu.");
    }).then(function () {
      saving = false;
      if (pendingSubmit) {
        var submitter = pendingSubmitter;
        pendingSubmit = false;
        pendingSubmitter = null;
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      }
    });
  }

  function changed(event) {
    if (event.target.type === "file") { return; }
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () {
    // Shortly after leaving a field; a click on a button submits first and cancels this.
    if (dirty && !submitting) {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 300);
    }
  });
  // A post of the form saves everything: no autosave may run beside it (on a new filing
  // both would create a draft). One in flight is waited for, then the form is posted to
  // the draft it created.
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (saving) {
      event.preventDefault();
      pendingSubmit = true;
      pendingSubmitter = event.submitter || null;
      return;
    }
    submitting = true;
  });

  // --- files: stored as soon as they are chosen ------------------------------------------
  function fileRow(item) {
    var li = document.createElement("li");
    li.className = "file-item";
    var name = document.createElement("span");
    name.className = "file-name";
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.name;
    var size = document.createElement("span");
    size.className = "file-size";
    size.textContent = " (" + item.size + ")";
    name.appendChild(link);
    name.appendChild(size);
    if (item.content_type === "image/jpeg" || item.content_type === "image/png") {
      var img = document.createElement("img");
      img.className = "file-thumb";
      img.alt = "";
      img.src = item.url;
      li.appendChild(img);
    } else {
      var icon = document.createElement("span");
      icon.className = "file-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "PDF";
      li.appendChild(icon);
    }
    li.appendChild(name);
    var remove = document.createElement("button");
    remove.className = "btn btn-small";
    remove.type = "submit";
    remove.name = "xoa_tep";
    remove.value = String(item.id);
    remove.formNoValidate = true;
    remove.textContent = "Bỏ tệp";
    li.appendChild(remove);
    return li;
  }

  form.querySelectorAll("input[type=file][data-document]").forEach(function (input) {
    input.addEventListener("change", function () {
      uploadUrl = form.getAttribute("data-upload-url");
      if (!uploadUrl || !input.files.length) { return; }
      var row = input.closest("[data-document-row]");
      var box = row.querySelector("[data-upload-progress]");
      var bar = box.querySelector("progress");
      var text = box.querySelector("[data-upload-text]");
      var list = row.querySelector("[data-file-list]");
      var body = new FormData();
      body.append("document_key", input.getAttribute("data-document"));
      body.append("file", input.files[0]);
      var request = new XMLHttpRequest();
      request.open("POST", uploadUrl);
      request.setRequestHeader("X-CSRFToken", token);
      request.setRequestHeader("Accept", "application/json");
      box.hidden = false;
      bar.value = 0;
      text.textContent = "Đang tải lên " + input.files[0].name + "…";
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { bar.value = Math.round(100 * event.loaded / event.total); }
      });
      request.addEventListener("load", function () {
        var result = {};
        try { result = JSON.parse(request.responseText); } catch (e) { result = {}; }
        if (request.status === 201) {
          bar.value = 100;
          text.textContent = "Đã lưu tệp " + result.name + ".";
          list.innerHTML = "";  // a draft keeps one file per document: the new one replaces
          list.appendChild(fileRow(result));
          input.value = "";
        } else {
          text.textContent = (result.error && result.error.message) ||
            "Không tải lên được tệp. Vui lòng thử lại.";
        }
      });
      request.addEventListener("error", function () {
        text.textContent = "Mất kết nối khi tải tệp. Vui lòng thử lại.";
      });
      request.send(body);
    });
  });

  // --- the desk where the result is collected: shown for delivery at the desk ------------
  var desk = form.querySelector("[data-pickup-desk]");
  if (desk) {
    var showDesk = function () {
      var chosen = form.querySelector("input[name=cach_nhan_ket_qua]:checked");
      desk.hidden = !!(chosen && chosen.value === "postal");
    };
    form.querySelectorAll("input[name=cach_nhan_ket_qua]").forEach(function (radio) {
      radio.addEventListener("change", showDesk);
    });
    showDesk();
  }

  // --- postal address: shown for postal delivery; communes of the chosen province --------
  var postal = form.querySelector("[data-postal-address]");
  if (postal) {
    var methods = form.querySelectorAll("input[name=cach_nhan_ket_qua]");
    var showPostal = function () {
      var chosen = form.querySelector("input[name=cach_nhan_ket_qua]:checked");
      postal.hidden = !(chosen && chosen.value === "postal");
    };
    methods.forEach(function (radio) { radio.addEventListener("change", showPostal); });
    showPostal();
    var saved = form.querySelector("select[name=dia_chi_nhan]");
    var fresh = postal.querySelector("[data-new-address]");
    if (saved && fresh) {
      var showFresh = function () { fresh.hidden = saved.value !== ""; };
      saved.addEventListener("change", showFresh);
      showFresh();
    }
    var province = form.querySelector("select[name=tinh_nhan]");
    var commune = form.querySelector("select[name=xa_nhan]");
    if (province && commune) {
      var filter = function () {
        var name = province.value ? province.options[province.selectedIndex].text : "";
        commune.querySelectorAll("optgroup").forEach(function (group) {
          var match = !name || group.label === name;
          group.hidden = !match;
          group.disabled = !match;
        });
        var selected = commune.options[commune.selectedIndex];
        if (selected && selected.parentNode.disabled) { commune.value = ""; }
      };
      province.addEventListener("change", filter);
      filter();
    }
  }
})();
