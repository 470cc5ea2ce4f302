#!/usr/bin/env python3
"""A Python client of the dlrs public API (dlrs.v1.Recommender).

Records a user's interactions, asks for recommendations by user id and by inline context,
asks for items like one of them and like an item outside the catalog given by its features,
sends several requests (Recommend and SimilarItems) on one RecommendStream and matches the
answers to them by request_id, and shows how an invalid request fails (alone, on the
stream). Run generate.sh first; see README.md.

    recommend.py TARGET --items ID,ID,... [--user USER] [--token TOKEN] [--ca FILE] [--k K]
                 [--like-features JSON]
"""

import argparse
import json
import os
import sys

import grpc

# The generated modules: generate.sh writes them to generated/ beside this file; a
# directory on PYTHONPATH comes first.
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))

from dlrs.v1 import common_pb2, recommender_pb2, recommender_pb2_grpc  # noqa: E402

# A recommendation is meant for a page view: give up after a few seconds, never hang.
TIMEOUT_S = 5.0
# Far above any server's configured maximum k (DLRS_MAX_K, default 100): always rejected.
INVALID_K = 1_000_000

STATUS_NAMES = {status.value[0]: status.name for status in grpc.StatusCode}


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Call the dlrs Recommender API from Python.")
    parser.add_argument("target", help="the gateway's address, host:port (e.g. 127.0.0.1:50051)")
    parser.add_argument("--items", required=True, help="comma-separated catalog item ids the user interacted with")
    parser.add_argument("--user", default="python-client", help="the user id to record events for and recommend to")
    parser.add_argument("--token", help="API token, sent as metadata authorization: Bearer TOKEN")
    parser.add_argument("--ca", help="PEM CA certificate of the gateway: use TLS (default: plaintext)")
    parser.add_argument("--k", type=int, default=5, help="items per answer (default 5)")
    parser.add_argument(
        "--like-features",
        help='raw features of an item outside the catalog to find similar items to, as JSON: '
        'a string for a categorical feature, a list of strings for a multi-valued one, a number '
        'for a continuous one, e.g. \'{"category":"cat-1","tags":["t1"],"year":1999}\'',
    )
    args = parser.parse_args(argv)
    args.items = [item for item in args.items.split(",") if item]
    if not args.items:
        parser.error("--items needs at least one item id")
    if args.like_features is not None:
        try:
            args.like_features = json.loads(args.like_features)
        except json.JSONDecodeError as error:
            parser.error(f"--like-features is not JSON: {error}")
        if not isinstance(args.like_features, dict) or not args.like_features:
            parser.error("--like-features needs a JSON object of at least one feature")
    return args


def open_channel(target, ca_path):
    if ca_path is None:
        return grpc.insecure_channel(target)
    with open(ca_path, "rb") as ca:
        return grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=ca.read()))


def describe(response):
    """One line about an answer: its model version and whether (and why) it is degraded."""
    if not response.degraded:
        return f"model={response.model_version} degraded=no"
    reasons = ",".join(recommender_pb2.DegradedReason.Name(reason) for reason in response.degraded_reasons)
    return f"model={response.model_version} degraded={reasons} ({response.degraded_detail})"


def print_items(response):
    for item in response.items:
        print(f"  {item.rank:3d}  {item.item_id:<12} score={item.score:.4f} similarity={item.similarity:.4f}  {item.title}")


def context_of(item_ids):
    """An anonymous user described by recent views, oldest first."""
    return recommender_pb2.UserContext(interactions=[common_pb2.Interaction(item_id=item, event_type="view") for item in item_ids])


def record_interactions(stub, metadata, user, item_ids):
    # Event ids make the call idempotent: running this client twice records each event once.
    events = [
        recommender_pb2.UserEvent(user_id=user, interaction=common_pb2.Interaction(item_id=item, event_type="view", event_id=f"{user}-view-{item}"))
        for item in item_ids
    ]
    response = stub.RecordInteractions(recommender_pb2.RecordInteractionsRequest(events=events), metadata=metadata, timeout=TIMEOUT_S)
    print(f"RecordInteractions user={user}: accepted={response.accepted} duplicates={response.duplicates}")


def recommend(stub, metadata, label, request):
    response = stub.Recommend(request, metadata=metadata, timeout=TIMEOUT_S)
    print(f"Recommend {label}: {len(response.items)} items {describe(response)}")
    print_items(response)
    return response


def similar_items(stub, metadata, item_ids, user, k):
    """More like these items: in similarity order, and ranked for the user by RankNet."""
    for label, request in (
        (f"item_ids={','.join(item_ids)}", recommender_pb2.SimilarItemsRequest(item_ids=item_ids, k=k)),
        (f"item_ids={','.join(item_ids)} user_id={user}", recommender_pb2.SimilarItemsRequest(item_ids=item_ids, k=k, user_id=user)),
    ):
        response = stub.SimilarItems(request, metadata=metadata, timeout=TIMEOUT_S)
        print(f"SimilarItems {label}: {len(response.items)} items {describe(response)}")
        print_items(response)
        returned = {item.item_id for item in response.items} & set(item_ids)
        if returned:
            raise RuntimeError(f"SimilarItems returned its own query items {sorted(returned)}")


def feature_value(value):
    """A JSON value as the FeatureValue of its kind: text, texts or number."""
    if isinstance(value, str):
        return common_pb2.FeatureValue(text=value)
    if isinstance(value, list):
        return common_pb2.FeatureValue(texts=common_pb2.StringList(values=[str(v) for v in value]))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return common_pb2.FeatureValue(number=float(value))
    raise ValueError(f"feature value {value!r}: expected a string, a list of strings or a number")


def similar_to_features(stub, metadata, features, k):
    """More like an item that is not in the catalog: ItemNet embeds its raw features."""
    item = common_pb2.Item(features={name: feature_value(value) for name, value in features.items()})
    response = stub.SimilarItems(recommender_pb2.SimilarItemsRequest(item=item, k=k), metadata=metadata, timeout=TIMEOUT_S)
    print(f"SimilarItems features={json.dumps(features, sort_keys=True)}: {len(response.items)} items {describe(response)}")
    print_items(response)


def recommend_stream(stub, metadata, user, item_ids, k, exclude_ids):
    """Several requests on one stream; answers arrive as they complete, matched by request_id."""
    requests = {
        "by-user": recommender_pb2.RecommendRequest(request_id="by-user", user_id=user, k=k),
        "by-context": recommender_pb2.RecommendRequest(request_id="by-context", context=context_of(item_ids), k=k + 1),
        "excluding": recommender_pb2.RecommendRequest(request_id="excluding", user_id=user, k=k, exclude_ids=exclude_ids),
        "too-many": recommender_pb2.RecommendRequest(request_id="too-many", user_id=user, k=INVALID_K),
        # A SimilarItems request on the same stream: only request_id beside it, answered alike.
        "similar": recommender_pb2.RecommendRequest(request_id="similar", similar_items=recommender_pb2.SimilarItemsRequest(item_ids=item_ids[:1], k=k)),
    }
    print(f"RecommendStream: {len(requests)} requests on one stream: {' '.join(requests)}")
    unanswered = set(requests)
    for answer in stub.RecommendStream(iter(requests.values()), metadata=metadata, timeout=TIMEOUT_S):
        if answer.request_id not in unanswered:
            raise RuntimeError(f"an answer to request_id {answer.request_id!r}, which is not an open request")
        unanswered.discard(answer.request_id)
        sent = requests[answer.request_id]
        if answer.WhichOneof("result") == "error":
            error = answer.error
            print(f"  answer request_id={answer.request_id} k={sent.k}: error {STATUS_NAMES.get(error.code, error.code)} field={error.field}: {error.message}")
            continue
        response = answer.response
        print(f"  answer request_id={answer.request_id} k={sent.k}: {len(response.items)} items {describe(response)}: {' '.join(item.item_id for item in response.items)}")
    if unanswered:
        raise RuntimeError(f"the stream ended without answers to {sorted(unanswered)}")


def show_invalid_unary(stub, metadata, user):
    """A unary call fails with a status; INVALID_ARGUMENT details name the field first."""
    try:
        stub.Recommend(recommender_pb2.RecommendRequest(user_id=user, k=INVALID_K), metadata=metadata, timeout=TIMEOUT_S)
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        print(f"Recommend k={INVALID_K}: error {error.code().name}: {error.details()}")
        return
    raise RuntimeError(f"Recommend with k={INVALID_K} was accepted")


def main(argv):
    args = parse_args(argv)
    metadata = [("authorization", f"Bearer {args.token}")] if args.token else []
    with open_channel(args.target, args.ca) as channel:
        stub = recommender_pb2_grpc.RecommenderStub(channel)
        try:
            record_interactions(stub, metadata, args.user, args.items)
            by_user = recommend(stub, metadata, f"user_id={args.user}", recommender_pb2.RecommendRequest(user_id=args.user, k=args.k))
            recommend(stub, metadata, f"context={','.join(args.items)}", recommender_pb2.RecommendRequest(context=context_of(args.items), k=args.k))
            similar_items(stub, metadata, args.items[:1], args.user, args.k)
            if args.like_features is not None:
                similar_to_features(stub, metadata, args.like_features, args.k)
            recommend_stream(stub, metadata, args.user, args.items, args.k, [item.item_id for item in by_user.items])
            show_invalid_unary(stub, metadata, args.user)
        except grpc.RpcError as error:
            print(f"failed: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
